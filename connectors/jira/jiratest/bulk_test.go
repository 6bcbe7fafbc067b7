package jiratest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeHistories writes n issues with h histories each (ids i*1000+k,
// oldest first) and returns DIR.
func writeHistories(t *testing.T, n, h int, deployment string) string {
	dir := t.TempDir()
	root := filepath.Join(dir, "jira")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "serverInfo.json"), []byte(`{"deploymentType":"`+deployment+`"}`), 0o644)
	var b strings.Builder
	for i := 1; i <= n; i++ {
		var hs []string
		for k := 0; k < h; k++ {
			field := "status"
			if k%2 == 1 {
				field = "assignee"
			}
			hs = append(hs, fmt.Sprintf(`{"id":"%d","created":"2026-01-01T10:%02d:00.000+0000","items":[{"field":%q,"fieldId":%q}]}`, i*1000+k, k%60, field, field))
		}
		fmt.Fprintf(&b, `{"id":"%d","key":"P-%d","fields":{"summary":"s","project":{"key":"P"},"updated":"2026-01-%02dT10:00:00.000+0000"},"changelog":{"histories":[%s]}}`+"\n", i, i, i, strings.Join(hs, ","))
	}
	os.WriteFile(filepath.Join(root, "issues.jsonl"), []byte(b.String()), 0o644)
	return dir
}

type histID struct{ ID string }

func TestCloudEmbedsNewest40(t *testing.T) {
	srv, err := New(writeHistories(t, 2, 45, "Cloud"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var page struct {
		Issues []struct {
			Changelog struct {
				Total, MaxResults int
				Histories         []histID
			}
		}
	}
	q := url.Values{"jql": {"project = P"}, "expand": {"changelog"}, "maxResults": {"10"}}
	get(t, srv.URL+"/rest/api/3/search/jql?"+q.Encode(), &page)
	cl := page.Issues[0].Changelog
	if cl.Total != 45 || len(cl.Histories) != 40 || cl.Histories[0].ID != "1044" || cl.Histories[39].ID != "1005" {
		t.Errorf("embedded changelog: total %d, %d histories, first %v last %v; want 45, 40, newest 1044 first, 1005 last",
			cl.Total, len(cl.Histories), cl.Histories[0], cl.Histories[len(cl.Histories)-1])
	}
}

func post(t *testing.T, u string, body any, v any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
	}
	return resp.StatusCode
}

func TestBulkChangelogPaging(t *testing.T) {
	dir := writeHistories(t, 3, 7, "Cloud")
	for _, tt := range []struct {
		name      string
		opts      Options
		fieldIDs  []string
		wantPages int
		wantHist  int
	}{
		{"one page", Options{}, nil, 1, 21},
		{"split histories", Options{BulkHistories: 5}, nil, 5, 21},
		{"filtered", Options{}, []string{"status"}, 1, 12},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := New(dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			got := map[string][]string{}
			token, pages := "", 0
			for ; pages < 20; pages++ {
				var pg struct {
					IssueChangeLogs []struct {
						IssueID         string
						ChangeHistories []histID
					}
					NextPageToken string
				}
				body := map[string]any{"issueIdsOrKeys": []string{"3", "P-1", "2", "404"}, "fieldIds": tt.fieldIDs}
				if token != "" {
					body["nextPageToken"] = token
				}
				if code := post(t, srv.URL+"/rest/api/3/changelog/bulkfetch", body, &pg); code != 200 {
					t.Fatalf("status %d", code)
				}
				for _, l := range pg.IssueChangeLogs {
					for _, h := range l.ChangeHistories {
						got[l.IssueID] = append(got[l.IssueID], h.ID)
					}
				}
				if token = pg.NextPageToken; token == "" {
					pages++
					break
				}
			}
			n := 0
			for _, ids := range got {
				n += len(ids)
			}
			if pages != tt.wantPages || n != tt.wantHist || len(got) != 3 || got["1"][0] != "1000" {
				t.Errorf("%d pages, %d histories %v; want %d pages, %d histories, oldest first", pages, n, got, tt.wantPages, tt.wantHist)
			}
		})
	}
}

func TestBulkChangelogRefusals(t *testing.T) {
	dc, _ := New(writeHistories(t, 1, 1, "Server"), Options{})
	defer dc.Close()
	if code := post(t, dc.URL+"/rest/api/3/changelog/bulkfetch", map[string]any{"issueIdsOrKeys": []string{"1"}}, nil); code != 404 {
		t.Errorf("Data Center bulkfetch: %d, want 404", code)
	}
	cloud, _ := New(writeHistories(t, 1, 1, "Cloud"), Options{})
	defer cloud.Close()
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	for _, body := range []map[string]any{{"issueIdsOrKeys": many}, {"issueIdsOrKeys": []string{}}, {"issueIdsOrKeys": []string{"1"}, "fieldIds": many[:11]}} {
		if code := post(t, cloud.URL+"/rest/api/3/changelog/bulkfetch", body, nil); code != 400 {
			t.Errorf("bulkfetch with %d ids: %d, want 400", len(body["issueIdsOrKeys"].([]string)), code)
		}
	}
}

func TestMangle(t *testing.T) {
	dir := writeIssues(t, 3, "Server")
	tests := []struct {
		name  string
		rule  Rule
		check func(ctype string, body []byte) bool
	}{
		{"empty", Rule{Mangle: MangleEmpty}, func(_ string, b []byte) bool { return len(b) == 0 }},
		{"html", Rule{Mangle: MangleHTML}, func(ct string, b []byte) bool {
			return strings.HasPrefix(ct, "text/html") && bytes.HasPrefix(b, []byte("<!DOCTYPE"))
		}},
		{"truncated", Rule{Mangle: MangleTruncatedJSON}, func(_ string, b []byte) bool { return !json.Valid(b) && len(b) > 0 }},
		{"null", Rule{Mangle: MangleNull, Keys: []string{"summary"}}, func(_ string, b []byte) bool {
			return bytes.Contains(b, []byte(`"summary":null`)) && !bytes.Contains(b, []byte(`"summary":"s"`))
		}},
		{"wrong type", Rule{Mangle: MangleWrongType, Keys: []string{"issues", "summary"}}, func(_ string, b []byte) bool {
			return bytes.Contains(b, []byte(`"issues":"wrong type"`))
		}},
		{"bad date", Rule{Mangle: MangleBadDate, Keys: []string{"updated"}}, func(_ string, b []byte) bool {
			return bytes.Count(b, []byte(`"updated":"not-a-date"`)) == 3
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rule.Path = "/rest/api/2/search"
			srv, err := New(dir, Options{Rules: []Rule{tt.rule}})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/rest/api/2/search?jql=project%3DP")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !tt.check(resp.Header.Get("Content-Type"), body) {
				t.Errorf("status %d, body %.300s", resp.StatusCode, body)
			}
		})
	}
}
