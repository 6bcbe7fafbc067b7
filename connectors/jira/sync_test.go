package jira

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/config"
)

func TestMain(m *testing.M) {
	retryPolicy = connectors.RetryPolicy{MaxAttempts: 4, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
	os.Exit(m.Run())
}

func TestSyncRealData(t *testing.T) {
	tests := []struct {
		dataset, project string
		want             map[string]int
		wantPaths        []string // must have been requested
		notPaths         []string // must not have been requested
	}{
		{"cloud", "EE",
			map[string]int{"items": 33, "item_events": 993, "sprints": 29, "sprint_items": 43, "statuses": 53, "links": 0, "identities": 11},
			[]string{"/rest/api/2/search/jql", "/rest/api/3/changelog/bulkfetch"},
			[]string{"/rest/api/2/search", "/rest/api/2/issue/13383/changelog", "/rest/api/2/search/approximate-count"}}, // no bar, no count
		{"datacenter", "DZFNK0168",
			map[string]int{"items": 22, "item_events": 18, "sprints": 4, "sprint_items": 0, "statuses": 37, "links": 11, "identities": 1},
			[]string{"/rest/api/2/search", "/rest/agile/1.0/board/734/sprint"},
			[]string{"/rest/api/2/search/jql"}},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			srv := startServer(t, realData(t, tt.dataset), jiratest.Options{ChangelogCap: 40})
			st := openStore(t)
			cfg := testConfig(srv.URL, tt.project)
			stats := runSync(t, st, cfg, testOptions(t))
			got := map[string]int{}
			for tbl := range tt.want {
				got[tbl] = count(t, st, "SELECT count(*) FROM "+tbl)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("row counts (-want +got)\n%s", diff)
			}
			reqs := srv.Requests()
			for _, p := range tt.wantPaths {
				if reqs[p] == 0 {
					t.Errorf("%s not requested: %v", p, reqs)
				}
			}
			for _, p := range tt.notPaths {
				if reqs[p] != 0 {
					t.Errorf("%s requested: %v", p, reqs)
				}
			}
			if stats.Requests != srv.Total() {
				t.Errorf("stats.Requests = %d, server saw %d", stats.Requests, srv.Total())
			}
			first := contentHash(t, st)
			srv.ResetCounts()
			runSync(t, st, cfg, testOptions(t))
			if diff := cmp.Diff(first, contentHash(t, st)); diff != "" {
				t.Errorf("second sync changed content (-first +second)\n%s", diff)
			}
			if n := srv.Total(); n > 10 {
				t.Errorf("second sync made %d requests: %v", n, srv.Requests())
			}
			t.Logf("first sync %+v; second sync %d requests", stats, srv.Total())
		})
	}
}

// TestChangelogPaging checks that a changelog truncated in search results
// is completed from the changelog endpoint: every item of the 100 recorded
// histories of issue 13383 becomes an event.
func TestChangelogPaging(t *testing.T) {
	dir := realData(t, "cloud")
	want := 0
	err := eachIssue(filepath.Join(dir, "jira", "issues.jsonl"), func(ri rawIssue) {
		if ri.ID == "13383" {
			for _, h := range ri.Changelog.Histories {
				want += len(h.Items)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{30, 100} {
		srv := startServer(t, dir, jiratest.Options{ChangelogCap: limit})
		st := openStore(t)
		runSync(t, st, testConfig(srv.URL, "EE"), testOptions(t))
		got := count(t, st, `SELECT count(*) FROM item_events WHERE item_id = 'jira:13383'`)
		if got != want {
			t.Errorf("cap %d: events of 13383 = %d, want %d", limit, got, want)
		}
		reqs := srv.Requests()
		if limit == 100 && reqs["/rest/api/2/issue/13383/changelog"]+reqs["/rest/api/3/changelog/bulkfetch"] != 0 {
			t.Errorf("cap 100: changelog fetched although complete: %v", reqs)
		}
		if limit == 30 && reqs["/rest/api/3/changelog/bulkfetch"] != 1 {
			t.Errorf("cap 30: %d bulkfetch calls for the truncated changelogs, want 1: %v", reqs["/rest/api/3/changelog/bulkfetch"], reqs)
		}
	}
}

func eachIssue(path string, fn func(rawIssue)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytesReader(b))
	for dec.More() {
		var ri rawIssue
		if err := dec.Decode(&ri); err != nil {
			return err
		}
		fn(ri)
	}
	return nil
}

func TestRealDataDetails(t *testing.T) {
	srv := startServer(t, realData(t, "cloud"), jiratest.Options{})
	st := openStore(t)
	runSync(t, st, testConfig(srv.URL, "EE"), testOptions(t))
	type row struct {
		Key, Title, Category string
		Committed, Completed bool
	}
	var got []row
	rows, err := st.DB().Query(`SELECT i.key, i.title, i.status_category, si.committed, si.completed_in_sprint
FROM sprint_items si JOIN items i USING (item_id) WHERE i.key IN ('EE-4', 'EE-17') ORDER BY i.key, si.sprint_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Key, &r.Title, &r.Category, &r.Committed, &r.Completed); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	rows.Close()
	want := []row{
		{"EE-17", "\u200b新的错误处理机制", "done", true, true},  // sprint 17: added before start, resolved before completion
		{"EE-17", "\u200b新的错误处理机制", "done", true, false}, // sprint 7: moved to sprint 9 before completion
		{"EE-17", "\u200b新的错误处理机制", "done", true, false}, // sprint 9: moved on to sprint 17
		{"EE-4", "\u200b问题分布的帕累托图", "done", true, false}, // sprint 7: resolved after it completed; NUL dropped from the title
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sprint items (-want +got)\n%s", diff)
	}
	// A deactivated author whose accountId is empty still resolves from its self link.
	if n := count(t, st, `SELECT count(*) FROM identities WHERE external_id = '5fb48fe20d2f61006f0d0106' AND NOT active`); n != 1 {
		t.Errorf("deactivated identity rows = %d, want 1", n)
	}
}

func TestIncrementalAndMovedIssue(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 250, Histories: 12, Seed: 1})
	srv := startServer(t, dir, jiratest.Options{})
	st := openStore(t)
	cfg := testConfig(srv.URL, "PLAT", "APP")
	runSync(t, st, cfg, testOptions(t))
	// Issue 1 moves to APP-9001 and five issues change a day later.
	if err := srv.Load(writeDataset(t, t.TempDir(), genSpec{Issues: 250, Histories: 12, Seed: 1, Moved: true, Bump: 5})); err != nil {
		t.Fatal(err)
	}
	srv.ResetCounts()
	runSync(t, st, cfg, testOptions(t))
	if got := srv.Requests()["/rest/api/2/search"]; got != 1 {
		t.Errorf("incremental sync made %d search requests, want 1", got)
	}
	if n := count(t, st, `SELECT count(*) FROM items`); n != 250 {
		t.Errorf("items = %d after the move, want 250", n)
	}
	if n := count(t, st, `SELECT count(*) FROM items WHERE item_id = 'jira:10001' AND key = 'APP-9001'`); n != 1 {
		t.Errorf("moved issue not under its new key")
	}
	// A full sync of the same data gives the same content.
	inc := contentHash(t, st)
	full := openStore(t)
	runSync(t, full, cfg, testOptions(t))
	if diff := cmp.Diff(contentHash(t, full), inc); diff != "" {
		t.Errorf("incremental differs from full (-full +incremental)\n%s", diff)
	}
}

func TestFullIgnoresCursor(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 150, Histories: 5, Seed: 2})
	srv := startServer(t, dir, jiratest.Options{})
	st := openStore(t)
	cfg := testConfig(srv.URL, "PLAT", "APP")
	runSync(t, st, cfg, testOptions(t))
	srv.ResetCounts()
	opts := testOptions(t)
	opts.Full = true
	src, _ := New(cfg)
	stats, err := src.Sync(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Items != 150 || srv.Requests()["/rest/api/2/search"] != 2 {
		t.Errorf("full sync: %+v, search requests %d", stats, srv.Requests()["/rest/api/2/search"])
	}
}

// TestIncrementalInUserZone checks that an incremental search reads its
// start in the user's time zone: Jira reads JQL dates in the profile zone,
// so a start written in UTC for a user 8 hours behind it skipped the
// updates of those hours.
func TestIncrementalInUserZone(t *testing.T) {
	for _, zone := range []string{"America/Los_Angeles", "Pacific/Kiritimati", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			dir := writeDataset(t, t.TempDir(), genSpec{Issues: 30, Histories: 3, Seed: 4})
			srv := startServer(t, dir, jiratest.Options{TimeZone: zone})
			st := openStore(t)
			cfg := testConfig(srv.URL, "PLAT", "APP")
			cfg.Deployment = "datacenter"
			runSync(t, st, cfg, testOptions(t))
			raw, _, err := st.Cursor(context.Background(), cfg.Name, cursorScope)
			if err != nil {
				t.Fatal(err)
			}
			cursor, err := time.Parse(time.RFC3339Nano, raw)
			if err != nil {
				t.Fatalf("cursor %q: %v", raw, err)
			}
			bumped := cursor.Add(2 * time.Hour)
			if err := srv.Load(writeDataset(t, t.TempDir(), genSpec{Issues: 30, Histories: 3, Seed: 4, Bump: 3, BumpAt: bumped})); err != nil {
				t.Fatal(err)
			}
			runSync(t, st, cfg, testOptions(t))
			if n := count(t, st, `SELECT count(*) FROM items WHERE updated_at > ?`, bumped); n != 3 {
				t.Errorf("items updated 2h after the cursor = %d, want 3", n)
			}
		})
	}
}

func TestJQLUnknownZone(t *testing.T) {
	since := time.Date(2026, 1, 2, 10, 4, 0, 0, time.UTC)
	got := (&Source{cfg: config.Source{Projects: []string{"P"}}}).jql(since, nil)
	if want := `project in ("P") AND updated >= "2026/01/01 22:04" ORDER BY updated ASC`; got != want {
		t.Errorf("jql = %s\nwant  %s", got, want)
	}
}

// TestUpdateDuringSync updates an issue already read while the search
// pages on: it moves to the end of the updated-ordered results, and paging
// by offset then skipped the issue that slid back over the page boundary,
// below the cursor, for good.
func TestUpdateDuringSync(t *testing.T) {
	for _, cloud := range []bool{false, true} {
		t.Run(map[bool]string{false: "datacenter", true: "cloud"}[cloud], func(t *testing.T) {
			spec := genSpec{Issues: 450, Histories: 2, Seed: 5, Cloud: cloud}
			dir := writeDataset(t, t.TempDir(), spec)
			spec.Bump = 1
			bumped := writeDataset(t, t.TempDir(), spec)
			search := map[bool]string{false: "/rest/api/2/search", true: "/rest/api/2/search/jql"}[cloud]
			var srv *jiratest.Server
			srv = startServer(t, dir, jiratest.Options{Hook: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.URL.Path == search && n == 3 {
					if err := srv.Load(bumped); err != nil {
						t.Error(err)
					}
				}
				return false
			}})
			st := openStore(t)
			cfg := testConfig(srv.URL, "PLAT", "APP")
			runSync(t, st, cfg, testOptions(t))
			runSync(t, st, cfg, testOptions(t))
			if n := count(t, st, `SELECT count(*) FROM items`); n != spec.Issues {
				t.Errorf("items = %d after an update during the sync and a re-run, want %d", n, spec.Issues)
			}
		})
	}
}
