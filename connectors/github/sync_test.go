package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
)

func TestSyncTwiceChangesNothing(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api", "acme/web"}, prs: 120, maxReviews: 5, seed: 1})
	srv := startServer(t, dir, githubtest.Options{Token: "t0ken"})
	st := openStore(t, "")
	ctx := context.Background()
	cfg := sourceConfig(srv.URL, "acme/api", "acme/web")
	if _, err := syncOnce(ctx, t, cfg, st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	first := contentHash(t, st)
	if n := count(t, st, `SELECT count(*) FROM pull_requests`); n != 240 {
		t.Errorf("pull requests = %d, want 240", n)
	}
	for i := 0; i < 2; i++ {
		srv.ResetCounters()
		if _, err := syncOnce(ctx, t, cfg, st, connectors.Options{}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, contentHash(t, st)); diff != "" {
			t.Errorf("run %d changed the store (-first +now):\n%s", i+2, diff)
		}
		t.Logf("run %d: %d requests, %d charged against the rate limit: %v", i+2, srv.Total(), srv.Charged(), srv.Paths())
		// Run 2 re-reads the since-listings once per repository (their URL
		// moved with the cursor); after that only 304s.
		if want := []int{6, 0}[i]; srv.Charged() > want {
			t.Errorf("run %d charged %d requests, want at most %d", i+2, srv.Charged(), want)
		}
	}
}

func TestSyncContent(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 40, maxReviews: 3, seed: 2})
	srv := startServer(t, dir, githubtest.Options{})
	st := openStore(t, "")
	if _, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, "acme/api"), st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name, q string
		want    int
	}{
		{"items", `SELECT count(*) FROM items`, 44},
		{"issues", `SELECT count(*) FROM items WHERE kind = 'issue'`, 4},
		{"no pending reviews", `SELECT count(*) FROM reviews WHERE state = 'PENDING' OR submitted_at IS NULL`, 0},
		{"sizes left NULL", `SELECT count(*) FROM pull_requests WHERE additions IS NOT NULL`, 0},
		{"merged have merged_by", `SELECT count(*) FROM pull_requests WHERE merged_at IS NOT NULL AND merged_by_id IS NULL`, 0},
		{"ready_at set", `SELECT count(*) FROM pull_requests WHERE ready_at IS NULL`, 0},
		{"bot flagged", `SELECT count(*) FROM identities WHERE login = 'dependabot[bot]' AND NOT is_bot`, 0},
		{"team requests", `SELECT count(*) FROM review_requests WHERE reviewer_team = 'acme/platform' AND reviewer_id IS NULL`, -1},
		{"status category", `SELECT count(*) FROM items WHERE status_category NOT IN ('indeterminate', 'done')`, 0},
		{"resolved", `SELECT count(*) FROM items WHERE status IN ('merged', 'closed') AND resolved_at IS NULL`, 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			got := count(t, st, c.q)
			if c.want < 0 {
				if got == 0 {
					t.Errorf("%s: none", c.q)
				}
				return
			}
			if got != c.want {
				t.Errorf("%s = %d, want %d", c.q, got, c.want)
			}
		})
	}
	var status string
	st.DB().QueryRow(`SELECT last_status FROM sources WHERE name = 'gh'`).Scan(&status)
	if status != "ok" {
		t.Errorf("sources.last_status = %q, want ok", status)
	}
}

// TestStatsCountStoredRows: the items and events a sync reports are the
// distinct rows it stored, not the rows it read (overlaps and keyset
// re-reads bring some twice).
func TestStatsCountStoredRows(t *testing.T) {
	// 250 issues updated ten to a minute: each page of the issues listing
	// ends inside a minute, so the next page re-reads that minute.
	var issues []map[string]any
	for n := 1; n <= 250; n++ {
		when := fmt.Sprintf("%02d:%02d", 10+n/10/60, n/10%60)
		issues = append(issues, map[string]any{"number": n, "id": 7000 + n, "state": "open", "title": "t",
			"created_at": at("09:00"), "updated_at": at(when), "user": alice})
	}
	dir := writeDataset(t, []map[string]any{repoObj("acme/api", false)}, map[string][]map[string]any{"acme/api/issues.jsonl": issues})
	srv := startServer(t, dir, githubtest.Options{})
	st := openStore(t, "")
	cfg := sourceConfig(srv.URL, "acme/api")
	stats, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := [2]int{stats.Items, stats.Events}
	want := [2]int{count(t, st, `SELECT count(*) FROM items`), count(t, st, `SELECT count(*) FROM item_events`)}
	if got != want {
		t.Errorf("stats (items, events) = %v, store holds %v", got, want)
	}
}

func TestRequestsPerPR(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 PRs")
	}
	dir := generate(t, genOptions{repos: []string{"acme/big"}, prs: 1000, maxReviews: 100, seed: 3})
	srv := startServer(t, dir, githubtest.Options{})
	st := openStore(t, "")
	stats, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, "acme/big"), st, connectors.Options{})
	if err != nil {
		t.Fatal(err)
	}
	perPR := float64(srv.Total()) / 1000
	t.Logf("1,000 PRs: %d requests (client counted %d): %.3f requests per PR", srv.Total(), stats.Requests, perPR)
	if perPR > 1.2 {
		t.Errorf("%.3f requests per PR, want <= 1.2", perPR)
	}
	if n := count(t, st, `SELECT count(*) FROM reviews WHERE item_id = 'gh:acme/big#1'`); n != 100 {
		t.Errorf("reviews of PR 1 = %d, want 100", n)
	}
}

func TestUnauthorized(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 3, seed: 4})
	srv := startServer(t, dir, githubtest.Options{Token: "right"})
	st := openStore(t, "")
	cfg := sourceConfig(srv.URL, "acme/api")
	cfg.Auth.Token = "wrong-secret"
	_, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{})
	if err == nil {
		t.Fatal("no error with a bad token")
	}
	msg := err.Error()
	for _, want := range []string{"gh", "401", "auth.token", "GITHUB_TOKEN"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "wrong-secret") || errors.Is(err, connectors.ErrPartial) {
		t.Errorf("error %q leaks the token or claims a partial sync", msg)
	}
	var status, lastErr string
	st.DB().QueryRow(`SELECT last_status, last_error FROM sources`).Scan(&status, &lastErr)
	if status != "failed" || strings.Contains(lastErr, "wrong-secret") {
		t.Errorf("sources row: status %q, error %q", status, lastErr)
	}
}
