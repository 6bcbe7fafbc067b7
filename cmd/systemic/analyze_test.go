package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

func TestAnalyzeCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "systemic.yaml")
	os.WriteFile(cfg, []byte(`storage: {path: x.duckdb}
sources:
  - {name: gh, kind: github, auth: {token: literal}, repos: [acme/api]}
teams:
  - {name: platform, members: [alice], github: {repos: [acme/api]}}
`), 0o644)
	// analyze works on a synced database; an empty one will do.
	if st, err := store.Open(t.Context(), filepath.Join(dir, "x.duckdb")); err != nil {
		t.Fatal(err)
	} else {
		st.Close()
	}
	tests := []cliCase{
		{"explain", []string{"analyze", "--explain", "approval_bottleneck"}, 0, "median pickup", ""},
		{"explain unknown", []string{"analyze", "--explain", "nope"}, 2, "", `unknown pattern "nope"`},
		{"unknown pattern", []string{"--config", cfg, "analyze", "--pattern", "nope"}, 2, "", `--pattern: unknown pattern "nope"`},
		{"bad date", []string{"--config", cfg, "analyze", "--from", "2026-13-01"}, 2, "", "--from"},
		{"empty store", []string{"--config", cfg, "analyze", "--from", "2026-10-01", "--to", "2026-10-31"}, 0,
			"run 2026-10-01..2026-11-01", ""},
		{"one pattern", []string{"--config", cfg, "analyze", "--pattern", "silo"}, 0, "silo     0         0     0     1", ""},
	}
	runCLI(t, tests)
}

func TestAnalyzeWindowDefaults(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	w, err := analyzeWindow(analyzeFlags{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.From.Format(time.DateOnly) + ".." + w.To.Format(time.DateOnly); got != "2026-08-28..2026-11-26" {
		t.Errorf("default window %s, want the 90 days 2026-08-28..2026-11-25 (to exclusive 2026-11-26)", got)
	}
}
