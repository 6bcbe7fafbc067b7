package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
	"github.com/systemic-dev/systemic/reports"
)

// TestFailedSyncKeepsLastSuccess: an organisation syncs, then its trackers
// go away and the next sync fails for every source. The store keeps each
// source's successful sync beside the failed attempt, and the report built
// afterwards leads with the failure instead of the plan's verdicts.
func TestFailedSyncKeepsLastSuccess(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and syncs an organisation")
	}
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 3, 8
	org, err := demoorg.Start(t.TempDir(), spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "s.duckdb")
	args := []string{"--config", org.Config, "--db", db, "--no-progress", "--log-level", "error", "sync"}
	if code, _, errOut := systemic(t, args...); code != 0 {
		org.Close()
		t.Fatalf("first sync: exit %d\n%s", code, errOut)
	}
	org.Close()
	// a short retry budget: the trackers are gone for good, and the
	// default one only costs the suite 15 s
	if code, _, errOut := systemic(t, append(args, "--max-wait", "2s")...); code != 1 {
		t.Fatalf("sync with the trackers gone: exit %d, want 1 (every source failed)\n%s", code, errOut)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var sources, kept int
	if err := st.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE last_status = 'failed'
	AND last_sync_at IS NOT NULL AND last_attempt_at > last_sync_at) FROM sources`).Scan(&sources, &kept); err != nil {
		t.Fatal(err)
	}
	if sources != 2 || kept != 2 {
		t.Errorf("%d of %d sources keep their last success beside a later failed attempt, want 2 of 2", kept, sources)
	}
	cfg, err := config.Load(org.Config)
	if err != nil {
		t.Fatal(err)
	}
	var teams []string
	for _, tm := range cfg.Teams {
		teams = append(teams, tm.Name)
	}
	plan, err := config.LoadPlan(cfg.Plan, teams)
	if err != nil {
		t.Fatal(err)
	}
	res, err := reports.Generate(ctx, st, reports.Options{Plan: plan, From: spec.End.AddDate(0, -1, 0), To: spec.End,
		OutDir: t.TempDir(), Now: time.Now(), Formats: []string{"json"}, Calendar: cfg.Calendar, Thresholds: cfg.Thresholds})
	if err != nil {
		t.Fatal(err)
	}
	h := res.Report.Headline.Coverage
	if !strings.Contains(h, "demo-jira: last sync failed") || !strings.Contains(h, "demo-github: last sync failed") {
		t.Errorf("headline.coverage = %q, want both sources' failure", h)
	}
	for _, s := range res.Report.Coverage.Sources {
		if s.LastSyncAt == "" || s.LastAttemptAt == "" || s.Status != "failed" {
			t.Errorf("%s: last sync %q, attempt %q, status %q; want the success and the failed attempt", s.Name, s.LastSyncAt, s.LastAttemptAt, s.Status)
		}
	}
}
