package jiratest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseJQL(t *testing.T) {
	at := time.Date(2026, 1, 2, 10, 4, 0, 0, time.UTC)
	tests := []struct {
		jql     string
		want    query
		wantErr string
	}{
		{`project in ("PLAT", APP) AND updated >= "2026/01/02 10:04" ORDER BY updated ASC`,
			query{projects: map[string]bool{"PLAT": true, "APP": true}, since: at}, ""},
		{`project = PLAT ORDER BY updated DESC`, query{projects: map[string]bool{"PLAT": true}, desc: true}, ""},
		{`(project in (PLAT)) AND updated >= '2026-01-02 10:04'`, query{projects: map[string]bool{"PLAT": true}, since: at}, ""},
		{`projct = PLAT`, query{}, "Field 'projct' does not exist"},
		{`updated >= "yesterday"`, query{}, "Date value 'yesterday'"},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			got, err := parseJQL(tt.jql)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(query{})); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// writeIssues writes a dataset of n issues (3 histories each) and returns DIR.
func writeIssues(t *testing.T, n int, deployment string) string {
	dir := t.TempDir()
	root := filepath.Join(dir, "jira")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "serverInfo.json"), []byte(`{"deploymentType":"`+deployment+`"}`), 0o644)
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `{"id":"%d","key":"P-%d","fields":{"summary":"s","project":{"key":"P"},"updated":"2026-01-%02dT10:00:00.000+0000"},"changelog":{"histories":[{"id":"1"},{"id":"2"},{"id":"3"}]}}`+"\n", i, i, i)
	}
	os.WriteFile(filepath.Join(root, "issues.jsonl"), []byte(b.String()), 0o644)
	return dir
}

func get(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	return resp.StatusCode
}

func TestSearchPagingAndCap(t *testing.T) {
	srv, err := New(writeIssues(t, 25, "Server"), Options{ChangelogCap: 2, MaxResults: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var page struct {
		StartAt, Total int
		Issues         []struct {
			Key       string
			Changelog struct{ Total, MaxResults int }
		}
	}
	q := url.Values{"jql": {`project = P AND updated >= "2026/01/05 00:00"`}, "startAt": {"10"}, "maxResults": {"50"}, "expand": {"changelog"}}
	if code := get(t, srv.URL+"/rest/api/2/search?"+q.Encode(), &page); code != 200 {
		t.Fatalf("status %d", code)
	}
	if page.Total != 21 || len(page.Issues) != 10 || page.Issues[0].Key != "P-15" || page.Issues[0].Changelog.Total != 3 || page.Issues[0].Changelog.MaxResults != 2 {
		t.Errorf("page = %+v", page)
	}
	var cl struct {
		Total  int
		IsLast bool
		Values []json.RawMessage
	}
	get(t, srv.URL+"/rest/api/2/issue/15/changelog?startAt=2", &cl)
	if cl.Total != 3 || !cl.IsLast || len(cl.Values) != 1 {
		t.Errorf("changelog page = %+v", cl)
	}
	if got := srv.Requests()["/rest/api/2/search"]; got != 1 {
		t.Errorf("search requests = %d", got)
	}
}

func TestCloudSearch(t *testing.T) {
	srv, err := New(writeIssues(t, 25, "Cloud"), Options{MaxResults: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if code := get(t, srv.URL+"/rest/api/2/search?jql=project%3DP", nil); code != http.StatusGone {
		t.Errorf("old search on Cloud answered %d, want 410", code)
	}
	var keys []string
	token := ""
	for pages := 0; pages < 10; pages++ {
		var page struct {
			Issues        []struct{ Key string }
			NextPageToken string
			IsLast        bool
		}
		q := url.Values{"jql": {"project = P"}, "maxResults": {"10"}}
		if token != "" {
			q.Set("nextPageToken", token)
		}
		get(t, srv.URL+"/rest/api/3/search/jql?"+q.Encode(), &page)
		for _, is := range page.Issues {
			keys = append(keys, is.Key)
		}
		if page.IsLast {
			break
		}
		token = page.NextPageToken
	}
	if len(keys) != 25 || keys[24] != "P-25" {
		t.Errorf("keys = %v", keys)
	}
}

func TestAuthAndFaults(t *testing.T) {
	srv, err := New(writeIssues(t, 3, "Server"), Options{Bearer: "pat", Rules: []Rule{{Path: "/rest/api/2/field", Nth: 2, Status: 429, RetryAfter: "7"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if code := get(t, srv.URL+"/rest/api/2/field", nil); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	do := func() *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+"/rest/api/2/field", nil)
		req.Header.Set("Authorization", "Bearer pat")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	do() // the 401 above counted as the first request of the path
	if resp := do(); resp.StatusCode != 200 {
		t.Errorf("third request: %d, want 200", resp.StatusCode)
	}
	srv2, _ := New(writeIssues(t, 3, "Server"), Options{Rules: []Rule{{Path: "/rest/api/2/field", Nth: 1, Status: 429, RetryAfter: "7"}}})
	defer srv2.Close()
	resp, _ := http.Get(srv2.URL + "/rest/api/2/field")
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("fault: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
