package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/store"
)

func TestReportCommand(t *testing.T) {
	db := queryDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "plan.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte("goals:\n  - {id: g, team: growth, due: 2026-12-01, scope: {projects: [GROW]}}\n"), 0o644)
	os.WriteFile(bad, []byte("goals:\n  - id: g\n    team: growth\n    due: 2026-13-01\n    scope: {}\n"), 0o644)
	out := filepath.Join(dir, "out")
	tests := []cliCase{
		{"report", []string{"--db", db, "report", "--period", "2026-09", "--plan", good, "--out", out}, 0, "report 2026-09: goals", ""},
		{"one format", []string{"--db", db, "report", "--from", "2026-09-01", "--to", "2026-09-30", "--format", "json", "--out", out}, 0, "report.json", ""},
		{"bad plan", []string{"--db", db, "report", "--plan", bad, "--out", out}, 2, "", bad + ":4: goals[0].due: invalid date"},
		{"bad format", []string{"--db", db, "report", "--format", "pdf", "--out", out}, 2, "", `--format "pdf"`},
		{"markdown is md", []string{"--db", db, "report", "--period", "2026-09", "--format", "markdown", "--out", out}, 0, "report.md", ""},
		{"report without a database", []string{"--db", filepath.Join(dir, "typo.duckdb"), "report", "--out", out}, 2, "", "no database at " + filepath.Join(dir, "typo.duckdb")},
		{"analyze without a database", []string{"--db", filepath.Join(dir, "typo.duckdb"), "--config", deadConfig(t), "analyze"}, 2, "", "no database at"},
		{"export out under a file", []string{"--db", db, "export", "--out", filepath.Join(good, "x")}, 2, "", "cannot create the folder: not a directory"},
		{"bad period", []string{"--db", db, "report", "--period", "octember"}, 2, "", "period"},
		{"period and dates", []string{"--db", db, "report", "--period", "2026-09", "--from", "2026-10-01", "--to", "2026-10-31", "--out", out}, 2, "", "give --period or --from/--to, not both"},
		{"out under a file", []string{"--db", db, "report", "--out", filepath.Join(good, "x")}, 2, "", "--out " + filepath.Join(good, "x") + ": cannot create the folder: not a directory"},
		{"run out under a file", []string{"--config", deadConfig(t), "run", "--out", filepath.Join(good, "x")}, 2, "", "cannot create the folder"},
	}
	runCLI(t, tests)
	for _, f := range []string{"report.html", "report.md", "report.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestReportSaysWhenPeriodIsEmpty: a period outside the stored history
// (say last-month when the last sync is older) is named plainly on stderr.
func TestReportSaysWhenPeriodIsEmpty(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.duckdb")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO items (item_id, source, kind, key, created_at, resolved_at)
VALUES ('j:1', 'j', 'issue', 'PLAT-1', '2026-09-02 10:00:00+00', '2026-09-20 10:00:00+00')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	empty := filepath.Join(t.TempDir(), "none.duckdb")
	if st, err := store.Open(context.Background(), empty); err != nil {
		t.Fatal(err)
	} else {
		st.Close()
	}
	tests := []struct {
		name, db, period, stderr string
	}{
		{"before the history", db, "2025-01", "no data for 2025-01: the database holds activity from 2026-09-02 to 2026-09-20"},
		{"after the last sync", db, "2026-11", "pick a --period inside that span, or run 'systemic sync'"},
		{"empty database", empty, "2026-09", "the database holds no history yet"},
		{"period with data", db, "2026-09", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := systemic(t, "--db", tt.db, "--log-level", "error", "report", "--period", tt.period,
				"--format", "json", "--out", t.TempDir())
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			if tt.stderr == "" && strings.Contains(stderr, "no data") || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
		})
	}
}
