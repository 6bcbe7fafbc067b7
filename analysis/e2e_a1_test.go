package analysis_test

import (
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
)

// a1Families are the review, silo, ownership, WIP and flow families.
var a1Families = []string{"approval_bottleneck", "silo", "ownership_gap", "wip_overload"}

// TestPlantedReviewPatterns runs the review, silo, ownership and WIP
// modules on the default synthetic organisation (synced through the fake
// servers) and checks them against ground_truth.json: every planted
// pattern of these families found as warn or critical with the right
// team and subject, nothing above info on the control team; precision is
// logged. The modules run with the generated plan's agreements, as reports
// and the demo run them: merges without review are held to the plan's
// "every merge reviewed", which the team's gap share over the whole
// history would dilute.
func TestPlantedReviewPatterns(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and syncs the default organisation")
	}
	shared, plan, truth := syncedOrg(t)
	withPlan := *shared
	withPlan.Agreements = analysis.PlanAgreements(plan)
	env := &withPlan
	var found []analysis.Finding
	for _, name := range append(a1Families, "flow") {
		start := time.Now()
		res := runA1(t, name, env)
		t.Logf("%s: %d findings, %d metrics, %d not-enough-data scopes in %v", name, len(res.Findings),
			len(res.Metrics), len(res.NotEnoughData), time.Since(start).Round(time.Millisecond))
		for _, f := range res.Findings {
			t.Logf("  %s %s %s/%s score %.2f: %s", f.Severity, f.Team, f.SubjectKind, f.Subject, f.Score, f.Summary)
			if f.Severity != analysis.Info {
				found = append(found, f)
			}
		}
	}
	checkPlanted(t, a1Families, found, truth)
}
