package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	db := queryDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "plan.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte("goals:\n  - {id: g, team: growth, due: 2026-12-01, scope: {projects: [GROW]}}\n"), 0o644)
	os.WriteFile(bad, []byte("goals:\n  - id: g\n    team: growth\n    due: 2026-13-01\n    scope: {}\n"), 0o644)
	out := filepath.Join(dir, "out")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"report", []string{"--db", db, "report", "--period", "2026-09", "--plan", good, "--out", out}, 0, "report 2026-09: goals", ""},
		{"one format", []string{"--db", db, "report", "--from", "2026-09-01", "--to", "2026-09-30", "--format", "json", "--out", out}, 0, "report.json", ""},
		{"bad plan", []string{"--db", db, "report", "--plan", bad, "--out", out}, 2, "", bad + ":4: goals[0].due: invalid date"},
		{"bad format", []string{"--db", db, "report", "--format", "pdf", "--out", out}, 2, "", `--format "pdf"`},
		{"bad period", []string{"--db", db, "report", "--period", "octember"}, 2, "", "period"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := systemic(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
	for _, f := range []string{"report.html", "report.md", "report.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
