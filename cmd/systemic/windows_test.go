package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// TestReportLogsReusedWindows: a report logs how many of its windows (its
// month and the six of the health trend) it reused and which it analysed
// again; after a sync of later work it reuses all, after a change inside
// its month it analyses that month only.
func TestReportLogsReusedWindows(t *testing.T) {
	cfg, db := tinyOrg(t)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	report := func(t *testing.T, want ...string) {
		t.Helper()
		code, _, stderr := cliAt(t, now, "--config", cfg, "--db", db, "report", "--period", "2026-10",
			"--format", "json", "--out", filepath.Join(t.TempDir(), "r"))
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		for _, w := range want {
			if !strings.Contains(stderr, w) {
				t.Errorf("log lacks %q:\n%s", w, stderr)
			}
		}
	}
	exec := func(t *testing.T, q string, args ...any) {
		t.Helper()
		st, err := store.Open(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.DB().Exec(q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	report(t, `msg="analysis windows" reused=0 analysed=6`, "2026-10-01..2026-11-01 (no stored run)")
	report(t, `msg="analysis windows" reused=6 analysed=0`)
	exec(t, `INSERT INTO items (item_id, source, kind, key, status, status_category, created_at)
	VALUES ('later:1', 'x', 'issue', 'L-1', 'To Do', 'new', TIMESTAMPTZ '2026-11-05 10:00:00+00')`)
	exec(t, `INSERT INTO item_events VALUES ('later:e1', 'later:1', TIMESTAMPTZ '2026-11-05 11:00:00+00', NULL, 'status',
	'status', 'To Do', 'In Progress', NULL, NULL)`)
	report(t, `msg="analysis windows" reused=6 analysed=0`)
	exec(t, `UPDATE item_events SET occurred_at = occurred_at + INTERVAL 1 MINUTE
	WHERE event_id = (SELECT min(event_id) FROM item_events WHERE occurred_at >= TIMESTAMPTZ '2026-10-01' AND occurred_at < TIMESTAMPTZ '2026-11-01')`)
	report(t, `msg="analysis windows" reused=5 analysed=1`, `analysed_windows="2026-10-01..2026-11-01 (inputs changed)"`)
}

// TestAnalysisHashFollowsPlan: a changed working agreement in the plan
// changes the key a run is stored under, so every window is analysed
// again under the new limit.
func TestAnalysisHashFollowsPlan(t *testing.T) {
	cfg := &config.Config{}
	hash := func(target float64) string {
		plan := &config.Plan{Agreements: []config.Agreement{{ID: "a", Metric: "review_pickup", Target: target}}}
		return analysisHash(cfg, analysis.PlanAgreements(plan))
	}
	plain, one, other := analysisHash(cfg, analysis.PlanAgreements(&config.Plan{})), hash(8), hash(16)
	if plain == one || one == other {
		t.Errorf("analysis hash %s / %s / %s: a plan's agreements must change it", plain, one, other)
	}
}

// TestAnalysisHashFollowsAnalysisConfig: the key a run is stored under
// follows the config the analysis reads and nothing else, so moving the
// store, raising its memory or rotating a token reuses every stored run.
func TestAnalysisHashFollowsAnalysisConfig(t *testing.T) {
	base := func() *config.Config {
		return &config.Config{Storage: config.Storage{Path: "a.duckdb"},
			Sources:  []config.Source{{Name: "jira", Kind: "jira", URL: "https://jira.test"}},
			Calendar: config.Calendar{Timezone: "UTC"}}
	}
	plain := analysisHash(base(), nil)
	tests := []struct {
		name    string
		change  func(*config.Config)
		changes bool
	}{
		{"store path", func(c *config.Config) { c.Storage.Path = "b.duckdb" }, false},
		{"memory limit", func(c *config.Config) { c.Storage.MemoryLimit = "4GiB" }, false},
		{"source url", func(c *config.Config) { c.Sources[0].URL = "https://jira2.test" }, false},
		{"privacy", func(c *config.Config) { c.Privacy.Names = true }, false},
		{"time zone", func(c *config.Config) { c.Calendar.Timezone = "Europe/Berlin" }, true},
		{"threshold", func(c *config.Config) { c.Thresholds.MinSample = 9 }, true},
		{"state names", func(c *config.Config) { c.States.Blocked = []string{"stuck"} }, true},
	}
	for _, tt := range tests {
		c := base()
		tt.change(c)
		if got := analysisHash(c, nil) != plain; got != tt.changes {
			t.Errorf("%s: hash changed %v, want %v", tt.name, got, tt.changes)
		}
	}
}
