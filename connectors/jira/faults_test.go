package jira

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/config"
)

func TestSyncSurvivesFaults(t *testing.T) {
	const search = "/rest/api/2/search/jql"
	tests := []struct {
		name      string
		rule      jiratest.Rule
		wantExtra int // requests beyond a clean run
	}{
		{"429 with Retry-After", jiratest.Rule{Path: search, Nth: 2, Status: http.StatusTooManyRequests, RetryAfter: "1"}, 1},
		{"503 then 502", jiratest.Rule{Path: search, Nth: 1, Count: 2, Status: http.StatusBadGateway}, 2},
		{"500 on changelog bulkfetch", jiratest.Rule{Path: "/rest/api/3/changelog/bulkfetch", Nth: 1, Status: http.StatusInternalServerError}, 1},
		{"truncated body", jiratest.Rule{Path: search, Nth: 2, Truncate: true}, 1},
		{"slow answer", jiratest.Rule{Path: search, Nth: 1, Latency: 50 * time.Millisecond}, 0},
		// A 200 that is not a page is a transient fault, fetched again.
		{"empty 200", jiratest.Rule{Path: search, Nth: 2, Mangle: jiratest.MangleEmpty}, 1},
		{"HTML 200", jiratest.Rule{Path: search, Nth: 1, Mangle: jiratest.MangleHTML}, 1},
		{"truncated JSON 200", jiratest.Rule{Path: search, Nth: 3, Mangle: jiratest.MangleTruncatedJSON}, 1},
		{"null statuses", jiratest.Rule{Path: search, Nth: 2, Mangle: jiratest.MangleNull, Keys: []string{"status"}}, 1},
		{"null summaries", jiratest.Rule{Path: search, Nth: 1, Mangle: jiratest.MangleNull, Keys: []string{"summary", "issuetype"}}, 1},
		{"issues of the wrong type", jiratest.Rule{Path: search, Nth: 2, Mangle: jiratest.MangleWrongType, Keys: []string{"issues"}}, 1},
		{"garbage updated", jiratest.Rule{Path: search, Nth: 1, Mangle: jiratest.MangleBadDate, Keys: []string{"updated"}}, 1},
		{"bulkfetch HTML 200", jiratest.Rule{Path: "/rest/api/3/changelog/bulkfetch", Nth: 1, Mangle: jiratest.MangleHTML}, 1},
		{"bulkfetch null histories", jiratest.Rule{Path: "/rest/api/3/changelog/bulkfetch", Nth: 1, Mangle: jiratest.MangleNull, Keys: []string{"issueChangeLogs"}}, 1},
		{"history dates garbled", jiratest.Rule{Path: "/rest/api/3/changelog/bulkfetch", Nth: 1, Mangle: jiratest.MangleBadDate, Keys: []string{"created"}}, 1},
		{"status list null", jiratest.Rule{Path: "/rest/api/2/status", Nth: 1, Mangle: jiratest.MangleEmpty}, 1},
		{"field list wrong type", jiratest.Rule{Path: "/rest/api/2/field", Nth: 1, Mangle: jiratest.MangleWrongType, Keys: []string{"id"}}, 1},
		{"sprint page truncated", jiratest.Rule{Path: "/rest/agile/1.0/board/1/sprint", Nth: 1, Mangle: jiratest.MangleTruncatedJSON}, 1},
	}
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 230, Histories: 8, Cloud: true, Seed: 3})
	clean := startServer(t, dir, jiratest.Options{ChangelogCap: 5})
	ref := openStore(t)
	runSync(t, ref, testConfig(clean.URL, "PLAT", "APP"), testOptions(t))
	want, base := contentHash(t, ref), clean.Total()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, dir, jiratest.Options{ChangelogCap: 5, Rules: []jiratest.Rule{tt.rule}})
			st := openStore(t)
			cfg := testConfig(clean.URL, "PLAT", "APP")
			cfg.URL = srv.URL
			runSync(t, st, cfg, testOptions(t))
			if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
				t.Errorf("content differs from a clean run (-clean +faulty)\n%s", diff)
			}
			if got := srv.Total() - base; got != tt.wantExtra {
				t.Errorf("extra requests = %d, want %d (%v)", got, tt.wantExtra, srv.Requests())
			}
		})
	}
}

func TestSyncErrors(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 20, Histories: 2, Seed: 4})
	tests := []struct {
		name    string
		server  jiratest.Options
		cfg     func(*config.Source)
		want    []string // substrings of the error
		partial bool
	}{
		{"401 basic", jiratest.Options{Email: "a@example.com", Token: "right-token"},
			func(c *config.Source) { c.Auth = config.Auth{Email: "a@example.com", Token: "wrong-token-123"} },
			[]string{"401", "auth.email and auth.token", "source jira"}, false},
		{"401 bearer", jiratest.Options{Bearer: "pat-right"},
			func(c *config.Source) { c.Auth = config.Auth{Bearer: "pat-wrong-456"} },
			[]string{"401", "auth.bearer"}, false},
		{"403", jiratest.Options{Rules: []jiratest.Rule{{Path: "/rest/api/2/serverInfo", Status: http.StatusForbidden}}},
			func(c *config.Source) {}, []string{"403", "access denied"}, false},
		{"bad JQL", jiratest.Options{},
			func(c *config.Source) { c.JQL = "projct = PLAT" },
			[]string{"400", "Field 'projct' does not exist", "projct = PLAT"}, false},
		{"rate limit beyond max wait", jiratest.Options{Rules: []jiratest.Rule{{Path: "/rest/api/2/search", Status: 429, RetryAfter: "3600"}}},
			func(c *config.Source) {}, []string{"429", "retry after 1h0m0s"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, dir, tt.server)
			st := openStore(t)
			cfg := testConfig(srv.URL, "PLAT")
			tt.cfg(&cfg)
			src, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Sync(context.Background(), st, testOptions(t))
			if err == nil {
				t.Fatal("sync succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, secret := range []string{"wrong-token-123", "pat-wrong-456", "right-token", "pat-right"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks a token: %q", err)
				}
			}
			if got := errors.Is(err, connectors.ErrPartial); got != tt.partial {
				t.Errorf("errors.Is(err, ErrPartial) = %v, want %v", got, tt.partial)
			}
			wantStatus := map[bool]string{true: "partial", false: "failed"}[tt.partial]
			if n := count(t, st, `SELECT count(*) FROM sources WHERE name = 'jira' AND last_status = ?`, wantStatus); n != 1 {
				t.Errorf("source row with status %s missing", wantStatus)
			}
		})
	}
}

func TestCloudOldSearchGone(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), genSpec{Issues: 5, Histories: 1, Cloud: true, Seed: 5})
	srv := startServer(t, dir, jiratest.Options{})
	cfg := testConfig(srv.URL, "PLAT")
	cfg.Deployment = "datacenter"
	src, _ := New(cfg)
	_, err := src.Sync(context.Background(), openStore(t), testOptions(t))
	if err == nil || !strings.Contains(err.Error(), "410") || !strings.Contains(err.Error(), "deployment: cloud") {
		t.Fatalf("err = %v, want a 410 naming deployment: cloud", err)
	}
}
