package github

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
)

// writeDataset writes DIR/github for one repository from in-line objects.
func writeDataset(t *testing.T, repos []map[string]any, files map[string][]map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	w := newJSONL(t, filepath.Join(dir, "github", "repos.jsonl"))
	for _, r := range repos {
		w.add(r)
	}
	w.close()
	for name, rows := range files {
		w := newJSONL(t, filepath.Join(dir, "github", "repos", filepath.FromSlash(name)))
		for _, r := range rows {
			w.add(r)
		}
		w.close()
	}
	return dir
}

func repoObj(full string, archived bool) map[string]any {
	return map[string]any{"id": len(full), "full_name": full, "name": full[indexSlash(full)+1:], "archived": archived,
		"owner": map[string]any{"login": full[:indexSlash(full)], "id": 1, "type": "Organization"}}
}

func at(hhmm string) string { return "2026-02-02T" + hhmm + ":00Z" }

var (
	alice = user{Login: "alice", ID: 11, Type: "User"}
	bob   = user{Login: "bob", ID: 12, Type: "User"}
	dep   = user{Login: "dependabot[bot]", ID: 13, Type: "Bot"}
	team  = map[string]any{"id": 5, "name": "Platform", "slug": "platform"}
)

func pr(n int, draft bool, state string, merged string, author user) map[string]any {
	o := map[string]any{"number": n, "id": 9000 + n, "state": state, "title": "t", "user": author, "draft": draft,
		"created_at": at("10:00"), "updated_at": at("15:00"), "labels": []label{}, "assignees": []user{},
		"base": map[string]any{"ref": "main"}, "html_url": "https://github.com/acme/x/pull/1",
		"merged_by": bob, "additions": 5}
	if merged != "" {
		o["merged_at"], o["closed_at"] = merged, merged
	}
	return o
}

func ev(id, n int, kind, when string, actor user, extra map[string]any) map[string]any {
	o := map[string]any{"id": id, "event": kind, "actor": actor, "created_at": at(when),
		"issue": map[string]any{"number": n, "pull_request": map[string]any{}}}
	for k, v := range extra {
		o[k] = v
	}
	return o
}

// TestDerivedFacts checks ready_at, merged_by from the merged event, review
// request pairing (person and team) and bot flags on a hand-made history.
func TestDerivedFacts(t *testing.T) {
	dir := writeDataset(t, []map[string]any{repoObj("acme/x", false)}, map[string][]map[string]any{
		"acme/x/pulls.jsonl": {
			pr(1, false, "open", "", alice),          // opened as draft, made ready at 12:00
			pr(2, false, "open", "", alice),          // opened ready, back to draft, ready again
			pr(3, true, "open", "", alice),           // still a draft
			pr(4, false, "closed", at("14:00"), dep), // merged by bob (only the event says so)
		},
		"acme/x/events.jsonl": {
			ev(100, 1, "ready_for_review", "12:00", alice, nil),
			ev(101, 1, "review_requested", "12:05", alice, map[string]any{"requested_reviewer": bob, "review_requester": alice}),
			ev(102, 1, "review_request_removed", "12:30", alice, map[string]any{"requested_reviewer": bob, "review_requester": alice}),
			ev(103, 1, "review_requested", "13:00", alice, map[string]any{"requested_reviewer": bob, "review_requester": alice}),
			ev(104, 1, "review_requested", "12:10", alice, map[string]any{"requested_team": team, "review_requester": alice}),
			ev(105, 1, "review_request_removed", "14:00", alice, map[string]any{"requested_team": team, "review_requester": alice}),
			ev(106, 2, "convert_to_draft", "11:00", alice, nil),
			ev(107, 2, "ready_for_review", "13:00", alice, nil),
			ev(108, 4, "merged", "14:00", bob, nil),
			ev(109, 4, "labeled", "11:00", dep, map[string]any{"label": label{Name: "dependencies"}}),
		},
	})
	srv := startServer(t, dir, githubtest.Options{})
	st := openStore(t, "")
	if _, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, "acme/x"), st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	type prRow struct {
		Number   int
		Ready    *time.Time
		MergedBy *string
		Adds     *int
	}
	var got []prRow
	rows, err := st.DB().Query(`SELECT number, ready_at, merged_by_id, additions FROM pull_requests ORDER BY number`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r prRow
		rows.Scan(&r.Number, &r.Ready, &r.MergedBy, &r.Adds)
		got = append(got, r)
	}
	rows.Close()
	tm := func(s string) *time.Time { v, _ := time.Parse(time.RFC3339, at(s)); return &v }
	sp := func(s string) *string { return &s }
	want := []prRow{{1, tm("12:00"), nil, nil}, {2, tm("10:00"), nil, nil}, {3, nil, nil, nil}, {4, tm("10:00"), sp("gh/12"), nil}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pull_requests (-want +got):\n%s", diff)
	}

	type reqRow struct {
		ID, Reviewer, Team, Requester string
		Removed                       *time.Time
	}
	var reqs []reqRow
	rows, err = st.DB().Query(`SELECT request_id, coalesce(reviewer_id, ''), coalesce(reviewer_team, ''),
		coalesce(requester_id, ''), removed_at FROM review_requests ORDER BY request_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r reqRow
		rows.Scan(&r.ID, &r.Reviewer, &r.Team, &r.Requester, &r.Removed)
		reqs = append(reqs, r)
	}
	rows.Close()
	wantReqs := []reqRow{
		{"gh:ev:101", "gh/12", "", "gh/11", tm("12:30")},
		{"gh:ev:103", "gh/12", "", "gh/11", nil},
		{"gh:ev:104", "", "acme/platform", "gh/11", tm("14:00")},
	}
	if diff := cmp.Diff(wantReqs, reqs); diff != "" {
		t.Errorf("review_requests (-want +got):\n%s", diff)
	}
	if n := count(t, st, `SELECT count(*) FROM identities WHERE is_bot`); n != 1 {
		t.Errorf("%d bots, want 1 (dependabot[bot])", n)
	}
	var label string
	st.DB().QueryRow(`SELECT to_value FROM item_events WHERE event_id = 'gh:ev:109'`).Scan(&label)
	if label != "dependencies" {
		t.Errorf("labeled to_value = %q", label)
	}
}

func TestOrgRepos(t *testing.T) {
	dir := writeDataset(t, []map[string]any{
		repoObj("acme/api", false), repoObj("acme/web", false), repoObj("acme/old", true),
		repoObj("acme/tools", false), repoObj("other/api", false),
	}, nil)
	srv := startServer(t, dir, githubtest.Options{})
	cases := []struct {
		name     string
		include  []string
		exclude  []string
		archived bool
		want     []string
	}{
		{"all but archived", nil, nil, false, []string{"acme/api", "acme/web", "acme/tools"}},
		{"globs", []string{"a*", "web", "acme/old"}, []string{"acme/web"}, false, []string{"acme/api"}},
		{"archived asked", []string{"a*", "old"}, nil, true, []string{"acme/api", "acme/old"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := sourceConfig(srv.URL)
			cfg.Org, cfg.Include, cfg.Exclude, cfg.IncludeArchived = "acme", c.include, c.exclude, c.archived
			src, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			r, err := src.newRun(openStore(t, ""), connectors.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.repos(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	cases := []struct{ url, want string }{
		{"", "https://api.github.com/"},
		{"https://api.github.com", "https://api.github.com/"},
		{"https://ghe.acme.com/api/v3", "https://ghe.acme.com/api/v3/"},
		{"https://ghe.acme.com", "https://ghe.acme.com/api/v3/"},
	}
	for _, c := range cases {
		src, err := New(sourceConfig(c.url, "o/r"))
		if err != nil {
			t.Fatal(err)
		}
		cl, err := src.client(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := cl.BaseURL.String(); got != c.want {
			t.Errorf("url %q: base %q, want %q", c.url, got, c.want)
		}
	}
	for _, bad := range []string{"acme", "acme/", "a/b/c"} {
		if _, err := New(sourceConfig("", bad)); err == nil {
			t.Errorf("repos [%q] accepted", bad)
		}
	}
}

func TestURLWithCredentialsRejected(t *testing.T) {
	_, err := New(sourceConfig("https://bob:s3cret@ghe.acme.com/api/v3", "o/r"))
	if err == nil || !strings.Contains(err.Error(), "auth.token") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("err = %v, want a refusal naming auth.token without the secret", err)
	}
}

// TestUpdateDuringListing updates an issue already read while the issues
// listing pages on: it moves to the end of the updated-ordered listing, and
// paging by page number then skipped the issue that slid back over the page
// boundary, below the cursor, for good.
func TestUpdateDuringListing(t *testing.T) {
	issues := func(bumped bool) string {
		var rows []map[string]any
		for n := 1; n <= 250; n++ {
			up := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Minute)
			if bumped && n == 1 {
				up = time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)
			}
			rows = append(rows, map[string]any{"number": n, "id": 5000 + n, "state": "open", "title": "t", "user": alice,
				"created_at": at("00:00"), "updated_at": up.Format(time.RFC3339), "labels": []label{}, "assignees": []user{}})
		}
		return writeDataset(t, []map[string]any{repoObj("acme/x", false)}, map[string][]map[string]any{"acme/x/issues.jsonl": rows})
	}
	before, after := issues(false), issues(true)
	var srv *githubtest.Server
	srv = startServer(t, before, githubtest.Options{Hook: func(path string, n int) {
		if path == "/repos/acme/x/issues" && srv.Requests(path) == 2 {
			if err := srv.Load(after); err != nil {
				t.Error(err)
			}
		}
	}})
	st := openStore(t, "")
	cfg := sourceConfig(srv.URL, "acme/x")
	for range 2 {
		if _, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, st, `SELECT count(*) FROM items WHERE kind = 'issue'`); n != 250 {
		t.Errorf("issues = %d after an update during the listing and a re-run, want 250", n)
	}
}
