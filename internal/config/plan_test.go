package config_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/config"
)

var teams = []string{"growth", "platform"}

func TestLoadPlanExample(t *testing.T) {
	p, err := config.LoadPlan("../../testdata/plan.example.yaml", teams)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Goals) != 2 || len(p.Dependencies) != 1 || len(p.Decisions) != 1 || len(p.Agreements) != 5 {
		t.Fatalf("counts: %d goals, %d deps, %d decisions, %d agreements", len(p.Goals), len(p.Dependencies),
			len(p.Decisions), len(p.Agreements))
	}
	g := p.Goals[0]
	if g.ID != "onboarding" || g.Team != "growth" || g.Due.String() != "2026-12-15" || g.Scope.Epics[0] != "GROW-100" {
		t.Errorf("goal: %+v", g)
	}
	if got := p.Decisions[0].SLA.D().Hours(); got != 48 {
		t.Errorf("sla hours = %v, want 48", got)
	}
	var targets []float64
	for _, a := range p.Agreements {
		targets = append(targets, a.Target)
	}
	if diff := cmp.Diff([]float64{24, 3, 48, 0, 1}, targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if p.Period.From.String() != "2026-10-01" || len(p.Warnings) != 0 {
		t.Errorf("period %v warnings %v", p.Period, p.Warnings)
	}
}

func TestPlanProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown team", `goals:
  - {id: a, team: platform, due: 2026-12-01, scope: {keys: [X-1]}}
  - id: b
    team: growht
    due: 2026-12-01
    scope: {keys: [X-2]}
`, []string{`plan.yaml:4: goals[1].team: unknown team "growht" (teams: growth, platform)`}},
		{"bad date and empty scope", `goals:
  - id: a
    team: growth
    due: 2026-13-01
    scope: {}
`, []string{
			`plan.yaml:4: goals[0].due: invalid date "2026-13-01" (use YYYY-MM-DD)`,
			`plan.yaml:5: goals[0].scope: empty scope (select items with epics, keys, labels, projects, repos or milestones)`,
		}},
		{"unknown key", `goals:
  - id: a
    team: growth
    due: 2026-12-01
    scope: {epic: [G-1]}
`, []string{
			`plan.yaml:5: unknown key "epic" (known here: epics, keys, labels, projects, repos, milestones)`,
			`plan.yaml:5: goals[0].scope: empty scope (select items with epics, keys, labels, projects, repos or milestones)`,
		}},
		{"dependency and decision", `dependencies:
  - {id: d, from: platform, to: platform, due: 2026-11-01, scope: {keys: [P-1]}}
decisions:
  - {id: r, sla: 2x, match: {}}
`, []string{
			`plan.yaml:2: dependencies[0].to: from and to are both "platform" (a dependency runs between two teams)`,
			`plan.yaml:4: decisions[0].owners: no owners (name who takes these decisions: owners: [carol])`,
			`plan.yaml:4: decisions[0].sla: invalid duration "2x" (use e.g. 90m, 36h, 2d, 1w)`,
			`plan.yaml:4: decisions[0].match: empty match (add states: ["Awaiting Approval"] or labels: [needs-decision])`,
		}},
		{"agreements", `agreements:
  - {id: a, metric: review_pickup, target: soon}
  - {id: a, metric: wip_per_person, target: three}
  - {id: c, metric: happiness}
  - {id: d, metric: review_pickup, target: 24h, since: last week}
period: {from: 2026-12-01, to: 2026-10-01}
`, []string{
			`plan.yaml:6: period.to: 2026-10-01 is before period.from 2026-12-01 (swap them)`,
			`plan.yaml:2: agreements[0].target: invalid duration "soon" (use e.g. 90m, 36h, 2d, 1w)`,
			`plan.yaml:3: agreements[1].id: duplicate id "a" in agreements`,
			`plan.yaml:3: agreements[1].target: invalid target "three" for wip_per_person (a number, e.g. 3)`,
			`plan.yaml:4: agreements[2].target: missing target (e.g. target: 24h or target: 3)`,
			`plan.yaml:5: agreements[3].since: invalid date "last week" (use YYYY-MM-DD)`,
		}},
		{"syntax", "goals:\n  - id: a\n   team: x\n", []string{
			`plan.yaml:1: did not find expected '-' indicator (check the indentation and quoting)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.ParsePlan("plan.yaml", []byte(tt.yaml), teams)
			var pe *config.PlanError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PlanError", err)
			}
			var got []string
			for _, p := range pe.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanWarnsOnUnmeasurableMetric(t *testing.T) {
	p, err := config.ParsePlan("plan.yaml", []byte("agreements:\n  - {id: h, metric: happiness, target: 5}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`plan.yaml:2: agreements[0].metric: systemic cannot measure "happiness"; the report shows it as not measurable (measurable: blocked_time, carry_over, decision_latency, review_pickup, unreviewed_merges, wip_per_person)`}
	if diff := cmp.Diff(want, p.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestPlanAgreementSince: an agreement's start date is read, so a report
// can track it from the day the teams started it.
func TestPlanAgreementSince(t *testing.T) {
	p, err := config.ParsePlan("plan.yaml", []byte("agreements:\n  - {id: p, metric: review_pickup, target: 24h, since: 2026-11-04}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Agreements[0].Since.String(); got != "2026-11-04" {
		t.Errorf("since = %q, want 2026-11-04", got)
	}
}
