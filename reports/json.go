package reports

import (
	"bytes"
	"encoding/json"
)

// JSON renders report.json: the Report with schema_version, indented, keys
// in a fixed order (struct fields, sorted map keys).
func JSON(r *Report) ([]byte, error) {
	safeURLs(r) // report.json carries only http(s) URLs, without credentials
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(true)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
