package jiratest

import (
	"encoding/json"
	"net/http"
)

// Mangle is how a fault rule rewrites a 200 answer, as a broken proxy or
// gateway in front of Jira would: the status stays 200.
type Mangle int

const (
	MangleNone          Mangle = iota
	MangleEmpty                // an empty body
	MangleHTML                 // a proxy's HTML error page, Content-Type text/html
	MangleTruncatedJSON        // the first half of the JSON, with a matching Content-Length
	MangleNull                 // every value under Rule.Keys becomes null
	MangleWrongType            // every value under Rule.Keys changes type (string <-> number, object/array -> string)
	MangleBadDate              // every value under Rule.Keys becomes "not-a-date"
)

const proxyPage = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>`

// mangle returns the rewritten body (and sets the headers that go with it).
func (r *Rule) mangle(h http.Header, body []byte) []byte {
	switch r.Mangle {
	case MangleEmpty:
		return nil
	case MangleHTML:
		h.Set("Content-Type", "text/html; charset=utf-8")
		return []byte(proxyPage)
	case MangleTruncatedJSON:
		return body[:len(body)/2]
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	keys := map[string]bool{}
	for _, k := range r.Keys {
		keys[k] = true
	}
	out, err := json.Marshal(rewrite(v, keys, r.Mangle))
	if err != nil {
		return body
	}
	return out
}

// rewrite walks v and replaces the values under keys.
func rewrite(v any, keys map[string]bool, m Mangle) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if keys[k] {
				x[k] = replace(val, m)
				continue
			}
			x[k] = rewrite(val, keys, m)
		}
	case []any:
		for i := range x {
			x[i] = rewrite(x[i], keys, m)
		}
	}
	return v
}

func replace(v any, m Mangle) any {
	switch m {
	case MangleNull:
		return nil
	case MangleBadDate:
		return "not-a-date"
	}
	switch v.(type) {
	case string:
		return 12345
	case nil:
		return []any{"wrong"}
	}
	return "wrong type"
}
