package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/reports"
)

// TestSelectorWarningsForTheWindow: a selector that matches no work in the
// store (nothing, or only an epic) is warned about in every window; one
// whose items were only created after the window (the fixture's items
// start on October 1st) is right, only early, and is not.
func TestSelectorWarningsForTheWindow(t *testing.T) {
	st := newFixture(t)
	plan, err := config.ParsePlan("plan.yaml", []byte(`goals:
  - {id: onboarding, team: growth, due: 2026-12-15, scope: {epics: [GROW-100], labels: [no-such-label]}}
  - {id: epic-as-key, team: growth, due: 2026-12-15, scope: {keys: [GROW-100, GROW-101], labels: [onboarding]}}
dependencies:
  - {id: sso, from: platform, to: growth, due: 2026-11-15, scope: {keys: [PLAT-201, PLAT-999]}}
`), []string{"growth", "platform"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"goals onboarding (line 2): labels no-such-label matches no items",
		"goals epic-as-key (line 3): keys GROW-100 matches only epics, not their items; list an epic under epics to select its items",
		"goals epic-as-key (line 3): labels onboarding matches only epics, not their items; list an epic under epics to select its items",
		"dependencies sso (line 5): keys PLAT-999 matches no items",
	}
	for _, from := range []time.Time{fxFrom.AddDate(0, -1, 0), fxFrom} { // September: before the items; October
		t.Run(from.Format("2006-01"), func(t *testing.T) {
			res, err := reports.Generate(context.Background(), st, reports.Options{Plan: plan, From: from,
				To: from.AddDate(0, 1, 0), Period: from.Format("2006-01"), OutDir: t.TempDir(), Formats: []string{"json"}, Now: fxNow})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, res.Report.Plan.Warnings); diff != "" {
				t.Errorf("plan warnings (-want +got):\n%s", diff)
			}
			// Before its items exist, a goal is unknown for that reason,
			// not because its selectors are wrong.
			if g := res.Report.Plan.Goals[0]; from.Before(fxFrom) && g.Reason != "no work in scope yet: its 10 items were created after this period" {
				t.Errorf("goal %s before its items: %s: %s", g.ID, g.Verdict, g.Reason)
			}
		})
	}
}
