package jira

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
)

// TestTruncatedChangelogsStoreFullHistory checks that every way of
// completing truncated changelogs stores exactly what a sync whose search
// embeds every history stores, and that no history is fetched twice.
func TestTruncatedChangelogsStoreFullHistory(t *testing.T) {
	const issues, histories = 120, 150
	for _, cloud := range []bool{true, false} {
		dir := writeDataset(t, t.TempDir(), genSpec{Issues: issues, Histories: histories, Cloud: cloud, Seed: 21})
		full := startServer(t, dir, jiratest.Options{ChangelogCap: 1000})
		ref := openStore(t)
		runSync(t, ref, testConfig(full.URL, "PLAT", "APP"), testOptions(t))
		want := contentHash(t, ref)
		tests := []struct {
			name       string
			opts       jiratest.Options
			wantBulk   int // bulkfetch calls
			wantPerCL  int // per-issue changelog calls
			onlyDeploy string
		}{
			// Cloud: 40 newest embedded; the 120 truncated issues take one batch.
			{"cloud bulkfetch", jiratest.Options{}, 1, 0, "cloud"},
			// Histories split across bulkfetch pages, one issue spanning two.
			{"cloud bulkfetch paged", jiratest.Options{BulkHistories: 4000}, 5, 0, "cloud"},
			// No bulkfetch: the 110 oldest histories of each issue, 2 calls each.
			{"cloud without bulkfetch", jiratest.Options{Rules: []jiratest.Rule{{Path: "/rest/api/3/changelog/bulkfetch", Status: http.StatusNotFound}}}, 1, 2 * issues, "cloud"},
			// Data Center: 30 oldest embedded; the other 120 in 2 calls each.
			{"datacenter changelog", jiratest.Options{ChangelogCap: 30}, 0, 2 * issues, "datacenter"},
			// Data Center embedding them all: no changelog call.
			{"datacenter complete", jiratest.Options{ChangelogCap: histories}, 0, 0, "datacenter"},
		}
		for _, tt := range tests {
			if (tt.onlyDeploy == "cloud") != cloud {
				continue
			}
			t.Run(tt.name, func(t *testing.T) {
				srv := startServer(t, dir, tt.opts)
				st := openStore(t)
				runSync(t, st, testConfig(srv.URL, "PLAT", "APP"), testOptions(t))
				if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
					t.Errorf("content differs from a full-history sync (-full +truncated)\n%s", diff)
				}
				bulk, perIssue := 0, 0
				for path, n := range srv.Requests() {
					switch {
					case path == "/rest/api/3/changelog/bulkfetch":
						bulk += n
					case len(path) > len("/changelog") && path[len(path)-len("/changelog"):] == "/changelog":
						perIssue += n
					}
				}
				if bulk != tt.wantBulk || perIssue != tt.wantPerCL {
					t.Errorf("bulkfetch %d, per-issue changelog %d; want %d and %d", bulk, perIssue, tt.wantBulk, tt.wantPerCL)
				}
			})
		}
	}
}
