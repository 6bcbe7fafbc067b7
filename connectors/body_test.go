package connectors

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestDecodeJSON(t *testing.T) {
	type page struct {
		Issues []struct {
			ID string `json:"id"`
		} `json:"issues"`
		Total int `json:"total"`
	}
	tests := []struct {
		name, ctype, body string
		want              string // substring of the error; "" for none
	}{
		{"ok", "application/json", `{"issues":[{"id":"1"}],"total":1}`, ""},
		{"empty", "application/json", "", "Jira returned an empty body with status 200 for GET /rest/api/2/search/jql"},
		{"blank", "application/json", " \n", "an empty body"},
		{"html by type", "text/html; charset=utf-8", "<html><body>Bad gateway</body></html>", "an HTML page with status 200 for GET /rest/api/2/search/jql; a proxy in between?"},
		{"html by body", "application/json", "<!DOCTYPE html><p>login</p>", "an HTML page"},
		{"cut short", "application/json", `{"issues":[{"id":"1"}`, "JSON cut short"},
		{"not json", "application/json", `issues: none`, "not JSON"},
		{"wrong type", "application/json", `{"issues":"none","total":1}`, "JSON with a string where issues expects"},
		{"trailing data", "application/json", `{"issues":[]}{"issues":[]}`, "more data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {tt.ctype}},
				Request: &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "x", Path: "/rest/api/2/search/jql", RawQuery: "jql=secret"}}}
			var p page
			err := DecodeJSON("Jira", resp, []byte(tt.body), &p)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !IsBadBody(err) {
				t.Fatalf("err = %v, want a BadBodyError with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the query: %v", err)
			}
		})
	}
}

func TestWaitBeyondBudget(t *testing.T) {
	p := RetryPolicy{MaxWait: time.Minute}
	tests := []struct {
		status     int
		retryAfter string
		want       bool
	}{
		{503, "1", false}, // tries ran out within the budget: a failure, not a rate limit
		{503, "", false},
		{429, "3600", true},
		{503, "120", true},
		{500, "3600", false},
	}
	for _, tt := range tests {
		resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
		if tt.retryAfter != "" {
			resp.Header.Set("Retry-After", tt.retryAfter)
		}
		if _, got := p.WaitBeyondBudget(resp); got != tt.want {
			t.Errorf("%d Retry-After %q: beyond = %v, want %v", tt.status, tt.retryAfter, got, tt.want)
		}
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	p := RetryPolicy{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	for n, hi := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 10: time.Second} {
		if d := p.Backoff(n); d < hi/2 || d > hi {
			t.Errorf("Backoff(%d) = %v, want within [%v, %v]", n, d, hi/2, hi)
		}
	}
}
