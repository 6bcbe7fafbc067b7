package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
)

// TestDemoPlanHasNoSelectorWarnings: the demo's own plan selects items
// that exist, so no report the demo could write (any month of its
// history, the whole history, the plan period) warns that a selector
// matches nothing, even for months before a selected item was created.
func TestDemoPlanHasNoSelectorWarnings(t *testing.T) {
	spec := demoSpec()
	if testing.Short() {
		spec.Months, spec.ItemsPerTeamMonth = 4, 12
	}
	dir := t.TempDir()
	org, err := demoorg.Start(dir, spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(org.Close)
	db := filepath.Join(dir, "systemic.duckdb")
	base := []string{"--config", org.Config, "--db", db, "--log-level", "error"}
	if code, _, stderr := systemic(t, append(base, "sync")...); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	plan, err := config.LoadPlan(filepath.Join(org.Result.Dir, "plan.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	windows := [][]string{
		{"--from", day(spec.Start()), "--to", day(spec.End.AddDate(0, 0, -1))},
		{"--from", day(plan.Period.From.Time), "--to", day(plan.Period.To.Time)},
	}
	for m := spec.Start(); m.Before(spec.End); m = m.AddDate(0, 1, 0) {
		windows = append(windows, []string{"--period", m.Format("2006-01")})
	}
	for _, w := range windows {
		t.Run(strings.Join(w, " "), func(t *testing.T) {
			out := t.TempDir()
			args := append(append(base, "report", "--format", "json", "--out", out, "--plan", filepath.Join(org.Result.Dir, "plan.yaml")), w...)
			if code, _, stderr := systemic(t, args...); code != 0 {
				t.Fatalf("report: exit %d\n%s", code, stderr)
			}
			for _, warning := range planWarnings(t, filepath.Join(out, "report.json")) {
				if strings.Contains(warning, "matches no items") {
					t.Error(warning)
				}
			}
		})
	}
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// planWarnings reads plan.warnings from a report.json.
func planWarnings(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Plan struct {
			Warnings []string `json:"warnings"`
		} `json:"plan"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r.Plan.Warnings
}
