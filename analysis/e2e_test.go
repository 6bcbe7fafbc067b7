package analysis_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// a2Families are the pattern families of status, blocking, sprint,
// dependency, decision, stall, handoff and scope analysis.
var a2Families = []string{"dependency_delay", "decision_latency", "handoff_churn", "scope_churn", "stalled_commitment"}

// TestPlantedPatterns generates the default synthetic organisation, syncs
// it through the fake Jira and GitHub servers with the real connectors,
// resolves people and teams, runs the modules above over the whole history
// and checks them against ground_truth.json: every planted pattern of these
// families found (warn or critical) with the right team and subject, no
// warn or critical finding on the control team, and precision reported.
func TestPlantedPatterns(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and syncs the default organisation")
	}
	ctx := context.Background()
	env, plan, truth := syncedOrg(t)
	if testing.Verbose() {
		r, err := env.DB.Query(`SELECT it.team, count(DISTINCT x.item_id),
	count(DISTINCT x.item_id) FILTER (WHERE c.consecutive >= 1), count(DISTINCT x.item_id) FILTER (WHERE c.consecutive >= 2),
	count(DISTINCT x.item_id) FILTER (WHERE c.consecutive >= 3)
FROM sprint_items x JOIN items it USING (item_id) LEFT JOIN v_carryover c USING (item_id) WHERE x.committed GROUP BY 1
UNION ALL SELECT 'data by ' || coalesce(i.assignee, '-'), count(*), 0, 0, 0 FROM v_carryover c JOIN v_items i USING (item_id)
WHERE c.team = 'data' AND c.consecutive >= 2 GROUP BY 1 ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var team string
			var a, b, c, d int
			r.Scan(&team, &a, &b, &c, &d)
			t.Logf("carry-over %s: committed %d, missed >=1 %d, >=2 %d, >=3 %d", team, a, b, c, d)
		}
		r.Close()
	}
	var found []analysis.Finding
	for _, name := range a2Families {
		m, err := analysis.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res, err := m.Run(ctx, env)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %d findings, %d metrics, %d not-enough-data scopes in %v", name, len(res.Findings),
			len(res.Metrics), len(res.NotEnoughData), time.Since(start).Round(time.Millisecond))
		for _, f := range res.Findings {
			t.Logf("  %s %s %s/%s score %.2f: %s", f.Severity, f.Team, f.SubjectKind, f.Subject, f.Score, f.Summary)
			if testing.Verbose() && f.Pattern == "stalled_commitment" {
				for _, it := range f.Evidence.Items {
					t.Logf("    %s %.1f %s", it.Key, it.Value, it.Note)
				}
			}
			if f.Severity != analysis.Info {
				found = append(found, f)
			}
		}
	}
	for _, p := range truth.Patterns {
		t.Logf("planted %s %s %s: %s (%d items)", p.Family, p.Team, p.Subject, p.Note, len(p.Items))
	}
	checkPlanted(t, a2Families, found, truth)
	checkDecisionRights(t, env, plan)
}

// checkDecisionRights measures the generated plan's decision rights: each
// covers decisions, and the named owners take most of them.
func checkDecisionRights(t *testing.T, env *analysis.Env, plan *config.Plan) {
	for _, right := range plan.Decisions {
		st, err := analysis.DecisionStats(context.Background(), env, right)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("decision right %s: %d decisions, owner share %.2f, p50 %.1f working hours (SLA %.1f), %d within SLA, %d open, %d drift",
			right.ID, st.Decisions, st.OwnerShare, st.P50Hours, st.SLAHours, st.WithinSLA, st.Open, len(st.Drift))
		if st.Decisions == 0 || st.OwnerShare < 0.5 {
			t.Errorf("decision right %s: %d decisions, owner share %.2f; want decisions mostly by %v", right.ID, st.Decisions, st.OwnerShare, right.Owners)
		}
	}
}

// plantedOrg is the default synthetic organisation, synced once per test
// binary into an in-memory store and prepared over its whole history:
// both end-to-end tests read it, so it is generated and synced only once.
type plantedOrg struct {
	env   *analysis.Env
	plan  *config.Plan
	truth synth.GroundTruth
	err   error
}

var (
	plantedOnce sync.Once
	planted     plantedOrg
)

// syncedOrg returns the prepared default organisation (see plantedOrg).
func syncedOrg(t *testing.T) (*analysis.Env, *config.Plan, synth.GroundTruth) {
	t.Helper()
	plantedOnce.Do(func() { planted = loadPlanted(synth.DefaultSpec()) })
	if planted.err != nil {
		t.Fatal(planted.err)
	}
	return planted.env, planted.plan, planted.truth
}

func loadPlanted(spec synth.Spec) plantedOrg {
	ctx := context.Background()
	out, err := os.MkdirTemp("", "systemic-e2e-")
	if err != nil {
		return plantedOrg{err: err}
	}
	defer os.RemoveAll(out)
	org, err := demoorg.Start(out, spec, demoorg.Options{})
	if err != nil {
		return plantedOrg{err: err}
	}
	defer org.Close()
	cfg, err := org.LoadConfig()
	if err != nil {
		return plantedOrg{err: err}
	}
	var teams []string
	for _, tm := range cfg.Teams {
		teams = append(teams, tm.Name)
	}
	plan, err := config.LoadPlan(cfg.Plan, teams)
	if err != nil {
		return plantedOrg{err: err}
	}
	st, err := store.Open(ctx, "") // lives as long as the test binary
	if err != nil {
		return plantedOrg{err: err}
	}
	if err := demoorg.Sync(ctx, st, cfg, spec.End); err != nil {
		return plantedOrg{err: err}
	}
	env := &analysis.Env{DB: st.DB(), Thresholds: analysis.WithDefaults(cfg.Thresholds), States: cfg.States,
		Calendar: cfg.Calendar, From: spec.Start(), To: spec.End, Now: spec.End,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := analysis.Prepare(ctx, env.DB, env); err != nil {
		return plantedOrg{err: err}
	}
	return plantedOrg{env: env, plan: plan, truth: org.Result.Truth}
}

// checkPlanted holds the warn and critical findings of the families
// against the ground truth: every planted pattern found with its team and
// subject, nothing on the control team; recall and precision logged.
func checkPlanted(t *testing.T, families []string, found []analysis.Finding, truth synth.GroundTruth) {
	t.Helper()
	planted, hits := 0, 0
	matched := map[int]bool{}
	for _, p := range truth.Patterns {
		if !contains(families, p.Family) {
			continue
		}
		planted++
		hit := false
		for i, f := range found {
			if f.Pattern == p.Family && f.Team == p.Team && f.SubjectKind == p.SubjectKind && f.Subject == p.Subject {
				hit, matched[i] = true, true
			}
		}
		if hit {
			hits++
		} else {
			t.Errorf("planted %s %s %s/%s not found (%s)", p.Family, p.Team, p.SubjectKind, p.Subject, p.Note)
		}
	}
	for i, f := range found {
		if f.Team == truth.ControlTeam {
			t.Errorf("control team %s has a %s %s finding: %s", f.Team, f.Severity, f.Pattern, f.Summary)
		}
		if !matched[i] {
			t.Logf("unplanted: %s %s %s/%s: %s", f.Pattern, f.Severity, f.SubjectKind, f.Subject, f.Summary)
		}
	}
	t.Logf("recall %d/%d planted patterns, precision %d/%d warn+critical findings", hits, planted, len(matched), len(found))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
