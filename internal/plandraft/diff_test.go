package plandraft_test

import (
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/plandraft"
)

// TestNewSince: a re-run lists only what the existing plan does not hold,
// renaming drafted ids the plan already uses, and the listed snippet
// appended to the plan still validates.
func TestNewSince(t *testing.T) {
	existing := `period: {from: 2026-10-01, to: 2026-12-31}
goals:
  - {id: grow-44, title: "Onboarding", team: growth, due: 2026-12-01, scope: {epics: [GROW-44]}}
dependencies:
  - {id: data-to-growth, title: "Events", from: data, to: growth, due: 2026-11-01, scope: {keys: [DATA-1]}}
decisions:
  - {id: pay, title: "Payments approval", owners: [dmitri], match: {states: ["Awaiting Approval"], projects: [PAY]}}
agreements:
  - {id: review-pickup, title: "Pickup", metric: review_pickup, target: 24h}
`
	p, err := config.ParsePlan("plan.yaml", []byte(existing), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &plandraft.Draft{
		Goals: []plandraft.Entry{
			{ID: "grow-44", Key: "epic GROW-44", YAML: `{id: grow-44, title: "x", team: growth, due: 2026-12-31, scope: {epics: [GROW-44]}}`},
			{ID: "pay", Key: "epic PAY-9", YAML: `{id: pay, title: "y", team: payments, due: 2026-12-31, scope: {epics: [PAY-9]}}`},
		},
		Dependencies: []plandraft.Entry{{ID: "data-to-growth", Key: "data -> growth", YAML: `{id: data-to-growth, title: "d", from: data, to: growth, due: 2026-12-31, scope: {keys: [DATA-2]}}`}},
		Decisions: []plandraft.Entry{
			{ID: "pay-awaiting-approval", Key: "Awaiting Approval | PAY", YAML: `{id: pay-awaiting-approval, title: "a", owners: [x], match: {states: ["Awaiting Approval"], projects: [PAY]}}`},
			{ID: "plat-awaiting-approval", Key: "Awaiting Approval | PLAT", YAML: `{id: plat-awaiting-approval, title: "b", owners: [y], match: {states: ["Awaiting Approval"], projects: [PLAT]}}`},
		},
		Agreements: []plandraft.Entry{
			{ID: "review-pickup", Key: "review_pickup", YAML: `{id: review-pickup, title: "p", metric: review_pickup, target: 24h}`},
			{ID: "wip-per-person", Key: "wip_per_person", YAML: `{id: wip-per-person, title: "w", metric: wip_per_person, target: 3}`},
		},
	}
	fresh := d.NewSince(p)
	var got []string
	for _, es := range [][]plandraft.Entry{fresh.Goals, fresh.Dependencies, fresh.Decisions, fresh.Agreements} {
		for _, e := range es {
			got = append(got, e.ID)
		}
	}
	if want := "pay-2 plat-awaiting-approval wip-per-person"; strings.Join(got, " ") != want {
		t.Errorf("new entries %v, want %s", got, want)
	}
	if _, err := config.ParsePlan("merged.yaml", []byte(mergeSections(existing, fresh)), nil); err != nil {
		t.Errorf("plan with the new entries added does not validate: %v", err)
	}
}

// mergeSections appends each new entry under its section of plan, as a
// coach pasting the listed lines would.
func mergeSections(plan string, d *plandraft.Draft) string {
	out := plan
	add := func(section string, es []plandraft.Entry) {
		for _, e := range es {
			out = strings.Replace(out, section+":\n", section+":\n  - "+e.YAML+"\n", 1)
		}
	}
	add("goals", d.Goals)
	add("dependencies", d.Dependencies)
	add("decisions", d.Decisions)
	add("agreements", d.Agreements)
	return out
}
