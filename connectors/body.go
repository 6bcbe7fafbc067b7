package connectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// BadBodyError is a 2xx answer whose body is not a page of the API: empty,
// an HTML page (a proxy's error page or a login form), JSON cut short, not
// JSON at all, or JSON of the wrong shape (a missing key, a wrong type, a
// null where the API never sends one). It is transient, like a 5xx: the
// caller fetches the page again with backoff and reports the error only
// when the retries are spent. Nothing from such a body may be stored.
type BadBodyError struct {
	Tracker string // who answered: "Jira", "GitHub"
	Method  string
	Path    string // the request path, without host, query or credentials
	Status  int
	Problem string // what was wrong, as a noun phrase: "an empty body"
	Hint    string // what to check, or ""
}

// Error reads like "Jira returned an HTML page with status 200 for GET
// /rest/api/2/search/jql; a proxy in between?".
func (e *BadBodyError) Error() string {
	s := fmt.Sprintf("%s returned %s with status %d for %s %s", e.Tracker, e.Problem, e.Status, e.Method, e.Path)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// IsBadBody reports whether err is (or wraps) a *BadBodyError.
func IsBadBody(err error) bool {
	var b *BadBodyError
	return errors.As(err, &b)
}

// NewBadBody describes a 2xx answer to resp's request whose body is wrong in
// the way problem says (the shape checks a connector makes after decoding).
func NewBadBody(tracker string, resp *http.Response, problem string) *BadBodyError {
	e := &BadBodyError{Tracker: tracker, Problem: problem}
	if resp != nil {
		e.Status = resp.StatusCode
		if resp.Request != nil && resp.Request.URL != nil {
			e.Method, e.Path = resp.Request.Method, resp.Request.URL.Path
		}
	}
	return e
}

// DecodeJSON decodes a 2xx body into v in one pass. Every way the body can
// fail to be JSON of v's shape comes back as a *BadBodyError saying what was
// wrong: empty, HTML, cut short, not JSON, a value of the wrong type, or
// more than one JSON value.
func DecodeJSON(tracker string, resp *http.Response, body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return NewBadBody(tracker, resp, "an empty body")
	case looksHTML(resp, trimmed):
		e := NewBadBody(tracker, resp, "an HTML page")
		e.Hint = "a proxy in between?"
		return e
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		return NewBadBody(tracker, resp, jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return NewBadBody(tracker, resp, "JSON followed by more data")
	}
	return nil
}

func looksHTML(resp *http.Response, body []byte) bool {
	if resp != nil && strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "html") {
		return true
	}
	return body[0] == '<'
}

// jsonProblem names a decoding error in plain words.
func jsonProblem(err error) string {
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "JSON cut short"
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the top level"
		}
		return fmt.Sprintf("JSON with a %s where %s expects %s", typ.Value, field, typ.Type)
	case errors.As(err, &syn):
		return fmt.Sprintf("a body that is not JSON (%v at byte %d)", syn, syn.Offset)
	}
	return "unreadable JSON (" + err.Error() + ")"
}
