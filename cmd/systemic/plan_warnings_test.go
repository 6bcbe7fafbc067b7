package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

// TestDemoPlanHasNoSelectorWarnings: the demo's own plan selects items
// that exist, so no report the demo could write (any month of its
// history, the whole history, the plan period) warns that a selector
// matches nothing, even for months before a selected item was created.
// Warnings do not depend on the analysis, so the reports are built from
// the synced store without analysing each window.
func TestDemoPlanHasNoSelectorWarnings(t *testing.T) {
	spec := demoSpec()
	spec.ItemsPerTeamMonth = 10
	if testing.Short() {
		spec.Months, spec.ItemsPerTeamMonth = 4, 8
	}
	ctx := context.Background()
	dir := t.TempDir()
	org, err := demoorg.Start(dir, spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(org.Close)
	db := filepath.Join(dir, "systemic.duckdb")
	if code, _, stderr := systemic(t, "--config", org.Config, "--db", db, "--log-level", "error", "sync"); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	plan, err := config.LoadPlan(filepath.Join(org.Result.Dir, "plan.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	windows := []config.Window{{From: spec.Start(), To: spec.End}, {From: plan.Period.From.Time, To: plan.Period.To.AddDate(0, 0, 1)}}
	for m := spec.Start(); m.Before(spec.End); m = m.AddDate(0, 1, 0) {
		windows = append(windows, config.Window{From: m, To: m.AddDate(0, 1, 0)})
	}
	st, err := store.OpenReadOnly(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, w := range windows {
		t.Run(day(w.From)+".."+day(w.To), func(t *testing.T) {
			r, err := reports.Build(ctx, st, reports.Options{Plan: plan, From: w.From, To: w.To, Now: spec.End})
			if err != nil {
				t.Fatal(err)
			}
			for _, warning := range r.Plan.Warnings {
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
