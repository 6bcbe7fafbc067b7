package githubtest

import (
	"encoding/json"
	"strings"
)

// Mangle modes turn a good 200 reply into what a broken proxy or a
// GitHub hiccup sends, status 200 kept.
const (
	MangleEmpty     = "empty"     // no body at all
	MangleHTML      = "html"      // a proxy's HTML error page
	MangleTruncated = "truncated" // the first half of the JSON, Content-Length matching
	MangleNulls     = "nulls"     // null for every date, state and number GitHub always sends
	MangleTypes     = "types"     // ids and numbers as strings
	MangleDates     = "dates"     // dates that are not dates
)

// mangle rewrites body as mode says. JSON modes walk every object at any
// depth, so they apply to REST listings and GraphQL replies alike.
func mangle(mode string, body []byte) []byte {
	switch mode {
	case MangleEmpty:
		return nil
	case MangleHTML:
		return []byte("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n")
	case MangleTruncated:
		return body[:len(body)/2]
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	walk(v, func(obj map[string]any, key string) {
		isDate := strings.HasSuffix(key, "_at") || strings.HasSuffix(key, "At")
		switch {
		case mode == MangleNulls && (isDate || key == "state" || key == "number"):
			obj[key] = nil
		case mode == MangleTypes && (key == "id" || key == "number" || key == "databaseId"):
			obj[key] = "x" + jsonString(obj[key])
		case mode == MangleDates && isDate && obj[key] != nil:
			obj[key] = "last Tuesday"
		}
	})
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

func walk(v any, fn func(map[string]any, string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walk(e, fn)
			fn(x, k)
		}
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
