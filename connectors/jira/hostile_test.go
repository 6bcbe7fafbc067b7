package jira

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
)

// loggingTo is testOptions with warnings also written to w.
func loggingTo(t *testing.T, w *strings.Builder) connectors.Options {
	opts := testOptions(t)
	opts.Logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return opts
}

// TestHostileAnswersFailTheSource checks faults that outlast the retries:
// the source fails (not partial) with a message naming the source, the
// endpoint and the fault, and nothing of the bad answers is stored.
func TestHostileAnswersFailTheSource(t *testing.T) {
	const search = "/rest/api/2/search/jql"
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 120, Histories: 4, Cloud: true, Seed: 8})
	tests := []struct {
		name string
		rule jiratest.Rule
		want []string
	}{
		{"HTML page", jiratest.Rule{Path: search, Mangle: jiratest.MangleHTML},
			[]string{"jira jira: Jira returned an HTML page with status 200 for GET /rest/api/2/search/jql; a proxy in between?", "5 tries"}},
		{"empty body", jiratest.Rule{Path: search, Mangle: jiratest.MangleEmpty}, []string{"an empty body with status 200 for GET /rest/api/2/search/jql"}},
		{"null status", jiratest.Rule{Path: search, Nth: 2, Count: 100, Mangle: jiratest.MangleNull, Keys: []string{"status"}},
			[]string{"a search page where issue", "has a null or missing status", "search/jql"}},
		{"empty sprint pages", jiratest.Rule{Path: "/rest/agile/1.0/board/2/sprint", Mangle: jiratest.MangleEmpty},
			[]string{"an empty body", "board/2/sprint"}},
		{"503 on every request", jiratest.Rule{Path: "/", Status: http.StatusServiceUnavailable, RetryAfter: "1"},
			[]string{"503", "still refused after every retry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, dir, jiratest.Options{Rules: []jiratest.Rule{tt.rule}})
			st := openStore(t)
			src, err := New(testConfig(srv.URL, "PLAT", "APP"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Sync(context.Background(), st, testOptions(t))
			if err == nil {
				t.Fatal("sync succeeded, want an error")
			}
			t.Logf("error: %v", err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if errors.Is(err, connectors.ErrPartial) || strings.Contains(err.Error(), "rate-limit wait budget") {
				t.Errorf("a fault reported as a rate-limit stop: %v", err)
			}
			if n := count(t, st, `SELECT count(*) FROM sources WHERE name = 'jira' AND last_status = 'failed'`); n != 1 {
				t.Errorf("source not recorded as failed")
			}
			if n := count(t, st, `SELECT count(*) FROM items WHERE status IS NULL OR status = ''`); n != 0 {
				t.Errorf("%d items stored without a status", n)
			}
		})
	}
}

// TestNullStatusNeverErases syncs cleanly, then against a search whose
// status fields come back null: the sync fails and the stored statuses and
// cursor stay as they were; a clean re-run then completes.
func TestNullStatusNeverErases(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 150, Histories: 4, Cloud: true, Seed: 12})
	clean := startServer(t, dir, jiratest.Options{})
	st := openStore(t)
	cfg := testConfig(clean.URL, "PLAT", "APP")
	runSync(t, st, cfg, testOptions(t))
	before := contentHash(t, st)
	cursor, _, _ := st.Cursor(context.Background(), "jira", cursorScope)
	bad := startServer(t, dir, jiratest.Options{Rules: []jiratest.Rule{{Path: "/rest/api/2/search/jql", Mangle: jiratest.MangleNull, Keys: []string{"status"}}}})
	cfg.URL = bad.URL
	opts := testOptions(t)
	opts.Full = true
	src, _ := New(cfg)
	if _, err := src.Sync(context.Background(), st, opts); err == nil || !strings.Contains(err.Error(), "null or missing status") {
		t.Fatalf("err = %v, want the null status named", err)
	}
	after, _, _ := st.Cursor(context.Background(), "jira", cursorScope)
	if diff := cmp.Diff(before, contentHash(t, st)); diff != "" || after != cursor {
		t.Errorf("a refused page changed the store (cursor %s -> %s)\n%s", cursor, after, diff)
	}
}

// TestGarbageSprintDate checks that a board's sprint listing with an
// unreadable startDate neither drops the board's sprints nor erases a
// stored date: the date is kept (NULL when never stored) and a warning said.
func TestGarbageSprintDate(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 40, Histories: 4, Cloud: true, Seed: 14})
	rule := jiratest.Rule{Path: "/rest/agile/1.0/board/1/sprint", Mangle: jiratest.MangleBadDate, Keys: []string{"startDate"}}
	const q = `SELECT count(*) FROM sprints WHERE board_id = '1' AND start_at IS NOT NULL`

	fresh := openStore(t)
	var logs strings.Builder
	bad := startServer(t, dir, jiratest.Options{Rules: []jiratest.Rule{rule}})
	runSync(t, fresh, testConfig(bad.URL, "PLAT", "APP"), loggingTo(t, &logs))
	if n := count(t, fresh, `SELECT count(*) FROM sprints`); n != 12 {
		t.Errorf("sprints = %d, want all 12", n)
	}
	// Only dates read elsewhere (the issues' Sprint field) may be there.
	if n := count(t, fresh, `SELECT count(*) FROM sprints s WHERE board_id = '1' AND start_at IS NOT NULL AND NOT EXISTS
		(SELECT 1 FROM sprint_items si WHERE si.sprint_id = s.sprint_id)`); n != 0 {
		t.Errorf("%d board 1 sprints with a start date from a garbage value", n)
	}
	if !strings.Contains(logs.String(), "sprint dates unreadable") {
		t.Errorf("no warning logged:\n%s", logs.String())
	}

	st := openStore(t)
	clean := startServer(t, dir, jiratest.Options{})
	runSync(t, st, testConfig(clean.URL, "PLAT", "APP"), testOptions(t))
	want := count(t, st, q)
	runSync(t, st, testConfig(bad.URL, "PLAT", "APP"), testOptions(t))
	if got := count(t, st, q); got != want || want != 6 {
		t.Errorf("board 1 sprints with a start date: %d after a garbage listing, %d before (want 6)", got, want)
	}
}

// TestOversizedAnswerRefused checks that an answer beyond maxBody fails the
// request with a plain message instead of being read into memory whole.
func TestOversizedAnswerRefused(t *testing.T) {
	old := maxBody
	maxBody = 200
	defer func() { maxBody = old }()
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 5, Histories: 2, Seed: 3})
	srv := startServer(t, dir, jiratest.Options{})
	src, _ := New(testConfig(srv.URL, "PLAT"))
	_, err := src.Sync(context.Background(), openStore(t), testOptions(t))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v, want an oversized answer refused", err)
	}
}
