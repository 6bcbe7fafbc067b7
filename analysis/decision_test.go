package analysis_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// approvals gives red n items that wait in Awaiting Approval from Monday
// 09:00 for days working days until who approves them.
func approvals(s *scenario, prefix, who string, n, days int) {
	for i := 1; i <= n; i++ {
		k := fmt.Sprintf("%s-%d", prefix, i)
		s.item(k, "red", "Done", day(0, 9))
		s.move(k, day(0, 9), "In Progress", "Awaiting Approval", "ann")
		s.move(k, day(days, 9), "Awaiting Approval", "Done", who)
	}
}

func decisionPeople(s *scenario) {
	s.person("ann", "red")
	s.person("carol", "product")
	s.person("dave", "red")
	s.add(store.Identity{Source: "j", ExternalID: "robot", Login: "robot", IsBot: true})
}

func TestDecisionsView(t *testing.T) {
	s := newScenario(t)
	decisionPeople(s)
	approvals(s, "A", "carol", 1, 3)
	s.item("B-1", "red", "Awaiting Approval", day(1, 9))
	s.move("B-1", day(1, 10), "To Do", "Awaiting Approval", "ann")
	gh := s.item("o/r#5", "red", "open", day(0, 9))
	gh.Source = "gh"
	s.event("o/r#5", day(1, 9), "labeled", "", "needs-decision", "ann")
	s.event("o/r#5", day(2, 9), "unlabeled", "", "needs-decision", "dave")
	s.event("o/r#5", day(2, 9), "labeled", "", "bug", "ann")
	j := s.item("C-1", "red", "Done", day(0, 9))
	j.Labels = []string{"backend"}
	s.event("C-1", day(0, 12), "labels", "backend", "backend needs-decision", "ann")
	s.move("C-1", day(1, 12), "In Progress", "Done", "carol")
	env := s.env(day(0, 0), day(7, 0), day(3, 17))
	got := rows(t, env.DB, `SELECT key, state, entered_at, decided_at, decider, work_hours, open FROM v_decisions ORDER BY key`)
	want := [][]string{
		{"A-1", "Awaiting Approval", "2026-01-05T09:00", "2026-01-08T09:00", "j/carol", "24.00", "false"},
		{"B-1", "Awaiting Approval", "2026-01-06T10:00", "-", "-", "23.00", "true"},
		{"C-1", "label:needs-decision", "2026-01-05T12:00", "2026-01-06T12:00", "j/carol", "8.00", "false"},
		{"o/r#5", "label:needs-decision", "2026-01-06T09:00", "2026-01-07T09:00", "j/dave", "8.00", "false"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_decisions (-want +got):\n%s", diff)
	}
}

// TestDecisionStateAndLabelAreOneDecision: a state and a label covering
// the same wait on an item are one decision, two labels on at once are
// one, and a label spanning two stretches in the state does not merge
// them. The view, the module and a decision right count the same.
func TestDecisionStateAndLabelAreOneDecision(t *testing.T) {
	s := newScenario(t)
	decisionPeople(s)
	s.item("E-1", "red", "Done", day(0, 9))
	s.event("E-1", day(0, 9), "labels", "", "needs-approval", "ann")
	s.move("E-1", day(1, 9), "In Progress", "Awaiting Approval", "ann")
	s.move("E-1", day(3, 9), "Awaiting Approval", "Done", "carol")
	gh := s.item("o/r#6", "red", "open", day(0, 9))
	gh.Source = "gh"
	s.event("o/r#6", day(1, 9), "labeled", "", "needs-decision", "ann")
	s.event("o/r#6", day(1, 10), "labeled", "", "awaiting-decision", "ann")
	s.event("o/r#6", day(2, 9), "unlabeled", "", "needs-decision", "dave")
	s.event("o/r#6", day(2, 12), "unlabeled", "", "awaiting-decision", "dave")
	s.item("E-3", "red", "In Progress", day(0, 8))
	s.event("E-3", day(0, 8), "labels", "", "needs-approval", "ann")
	s.move("E-3", day(0, 9), "In Progress", "Awaiting Approval", "ann")
	s.move("E-3", day(1, 9), "Awaiting Approval", "In Progress", "carol")
	s.move("E-3", day(2, 9), "In Progress", "Awaiting Approval", "ann")
	s.move("E-3", day(3, 9), "Awaiting Approval", "In Progress", "carol")
	s.event("E-3", day(3, 10), "labels", "needs-approval", "", "ann")
	env := s.env(day(0, 0), day(7, 0), day(4, 17))
	got := rows(t, env.DB, `SELECT key, state, entered_at, decided_at, decider, array_to_string(signals, ', ')
	FROM v_decisions ORDER BY key, entered_at`)
	want := [][]string{
		{"E-1", "Awaiting Approval", "2026-01-05T09:00", "2026-01-08T09:00", "j/carol", "Awaiting Approval, label:needs-approval"},
		{"E-3", "Awaiting Approval", "2026-01-05T08:00", "2026-01-06T09:00", "j/carol", "Awaiting Approval, label:needs-approval"},
		{"E-3", "Awaiting Approval", "2026-01-06T09:00", "2026-01-08T09:00", "j/carol", "Awaiting Approval, label:needs-approval"},
		{"o/r#6", "label:needs-decision", "2026-01-06T09:00", "2026-01-07T12:00", "j/dave", "label:awaiting-decision, label:needs-decision"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_decisions (-want +got):\n%s", diff)
	}
	res := runModule(t, "decision_latency", env)
	if _, n, _ := metricValue(res, "decision_latency_p50_hours", "j/carol"); n != 3 {
		t.Errorf("decision_latency counts %d of carol's decisions, want 3", n)
	}
	right := config.DecisionRight{ID: "any", Owners: []string{"carol"},
		Match: config.Match{States: []string{"awaiting approval"}, Labels: []string{"needs-approval", "needs-decision", "awaiting-decision"}}}
	st, err := analysis.DecisionStats(context.Background(), env, right)
	if err != nil {
		t.Fatal(err)
	}
	if st.Decisions != 4 || st.ByOwners != 3 {
		t.Errorf("decision right: %d decisions, %d by carol; want 4, 3", st.Decisions, st.ByOwners)
	}
}

func TestDecisionLatency(t *testing.T) {
	tests := []struct {
		name      string
		build     func(s *scenario)
		want      []brief
		notEnough int
	}{
		{name: "no data", build: func(s *scenario) {}},
		{name: "one slow decision is not enough data", build: func(s *scenario) { approvals(s, "A", "carol", 1, 4) }, notEnough: 1},
		{
			name: "a slow decider, a fast one, a slow bot and an open decision",
			build: func(s *scenario) {
				approvals(s, "A", "carol", 5, 3)
				approvals(s, "B", "dave", 5, 1)
				approvals(s, "C", "robot", 5, 4)
				s.item("D-1", "red", "Awaiting Approval", day(0, 9))
				s.move("D-1", day(0, 9), "To Do", "Awaiting Approval", "ann")
			},
			want: []brief{{"decision_latency", "warn", "product", "person", "j/carol"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			decisionPeople(s)
			tc.build(s)
			env := s.env(day(0, 0), day(14, 0), day(6, 17))
			res := runModule(t, "decision_latency", env)
			checkResult(t, res, tc.want, tc.notEnough)
			if len(tc.want) > 0 { // carol's 24 and dave's 8 working hours; the bot's are left out
				if v, n, _ := metricValue(res, "decision_latency_p50_hours", "red"); v != 16 || n != 10 {
					t.Errorf("decision_latency_p50_hours red = %v over %d, want 16 over 10", v, n)
				}
			}
			for _, f := range res.Findings {
				t.Log(f.Summary)
				if len(f.Evidence.Items) != 5 {
					t.Errorf("evidence items %v, want carol's 5", evidenceKeys(f))
				}
			}
		})
	}
}

func TestDecisionStats(t *testing.T) {
	s := newScenario(t)
	decisionPeople(s)
	approvals(s, "A", "carol", 3, 1)
	approvals(s, "B", "dave", 2, 3)
	s.item("D-1", "red", "Awaiting Approval", day(0, 9))
	s.move("D-1", day(0, 9), "To Do", "Awaiting Approval", "ann")
	env := s.env(day(0, 0), day(14, 0), day(6, 17))
	right := config.DecisionRight{ID: "release", Owners: []string{"Carol"},
		Match: config.Match{States: []string{"awaiting approval"}, Projects: []string{"P"}}}
	got, err := analysis.DecisionStats(context.Background(), env, right)
	if err != nil {
		t.Fatal(err)
	}
	want := analysis.DecisionStat{Decisions: 5, ByOwners: 3, OwnerShare: 0.6, WithinSLA: 3, P50Hours: 8,
		P85Hours: 24, SLAHours: 16, Open: 1, OpenOverSLA: 1, Deciders: map[string]int{"j/carol": 3, "j/dave": 2},
		DriftBy: map[string]int{"j/dave": 2}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(analysis.DecisionStat{}, "Drift", "Late")); diff != "" {
		t.Errorf("DecisionStats (-want +got):\n%s", diff)
	}
	if keys := []string{got.Drift[0].Key, got.Drift[1].Key}; !cmp.Equal(keys, []string{"B-1", "B-2"}) {
		t.Errorf("drift %v, want dave's B-1, B-2", got.Drift)
	}
	// A window that ends before dave decides: his two wait at its end.
	early := *env
	early.To = day(2, 0)
	got, err = analysis.DecisionStats(context.Background(), &early, right)
	if err != nil {
		t.Fatal(err)
	}
	if got.Decisions != 3 || got.Open != 3 || got.OpenOverSLA != 0 {
		t.Errorf("window ending Wednesday: %d decided, %d open (%d over SLA); want 3, 3, 0", got.Decisions, got.Open, got.OpenOverSLA)
	}
	right.Match.Projects = []string{"OTHER"}
	if got, _ := analysis.DecisionStats(context.Background(), env, right); got.Decisions != 0 {
		t.Errorf("another project: %d decisions, want 0", got.Decisions)
	}
}

// TestDecisionStatsOwnersAndBots: an owner written by first name owns the
// decisions of the one person whose id starts with it, bots' decisions are
// left out as decision_latency leaves them out, and DriftBy counts every
// non-owner decision, beyond the 20 Drift lists.
func TestDecisionStatsOwnersAndBots(t *testing.T) {
	s := newScenario(t)
	decisionPeople(s)
	s.person("cdiaz", "product")
	s.sqls = append(s.sqls, `UPDATE identities SET person_id = 'carol-diaz' WHERE identity_id = 'j/cdiaz'`)
	approvals(s, "A", "cdiaz", 2, 1)
	approvals(s, "B", "dave", 22, 1)
	approvals(s, "C", "robot", 3, 1)
	env := s.env(day(0, 0), day(14, 0), day(6, 17))
	right := config.DecisionRight{ID: "release", Owners: []string{"Carol"}, Match: config.Match{States: []string{"awaiting approval"}}}
	got, err := analysis.DecisionStats(context.Background(), env, right)
	if err != nil {
		t.Fatal(err)
	}
	if got.Decisions != 24 || got.ByOwners != 2 || len(got.Drift) != 20 {
		t.Errorf("%d decisions, %d by owners, %d drift listed; want 24 (bots left out), 2 (carol-diaz), 20", got.Decisions, got.ByOwners, len(got.Drift))
	}
	if diff := cmp.Diff(map[string]int{"j/dave": 22}, got.DriftBy); diff != "" {
		t.Errorf("DriftBy (-want +got):\n%s", diff)
	}
	// At noon on Monday all still wait, the bot's too: nobody has decided yet.
	early := *env
	early.To = day(0, 12)
	if got, err = analysis.DecisionStats(context.Background(), &early, right); err != nil || got.Open != 27 {
		t.Errorf("Monday noon: %d open (%v), want all 27", got.Open, err)
	}
}

func TestOwnerID(t *testing.T) {
	known := []string{"ann", "carol-diaz", "dave-a", "dave-b", "eve", "eve-long"}
	tests := []struct {
		id, want string
		ok       bool
	}{
		{"ann", "ann", true},
		{"carol", "carol-diaz", true},
		{"dave", "", false}, // two people share the first name
		{"eve", "eve", true},
		{"zoe", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			got, ok := analysis.OwnerID(known, tc.id)
			if got != tc.want || ok != tc.ok {
				t.Errorf("OwnerID(%q) = %q, %v; want %q, %v", tc.id, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLabelIntervals(t *testing.T) {
	s := newScenario(t)
	s.person("ann", "red")
	a := s.item("L-1", "red", "In Progress", day(0, 9)) // created with a label, never changed
	a.Labels = []string{"Needs-Decision"}
	b := s.item("L-2", "red", "In Progress", day(0, 9)) // created with it, removed later
	b.Labels = []string{"ops"}
	s.event("L-2", day(1, 9), "labels", "needs-decision ops", "ops", "ann")
	s.item("L-3", "red", "In Progress", day(1, 9)) // label event dated before creation
	s.event("L-3", day(0, 9), "labeled", "", "blocked-on-legal", "ann")
	env := s.env(day(0, 0), day(7, 0), day(3, 17))
	got := rows(t, env.DB, `SELECT item_id, label, start_at, end_at, added_by, removed_by FROM v_label_intervals ORDER BY 1, 2`)
	want := [][]string{
		{"j:L-1", "needs-decision", "2026-01-05T09:00", "-", "-", "-"},
		{"j:L-2", "needs-decision", "2026-01-05T09:00", "2026-01-06T09:00", "-", "j/ann"},
		{"j:L-2", "ops", "2026-01-05T09:00", "-", "-", "-"},
		{"j:L-3", "blocked-on-legal", "2026-01-06T09:00", "-", "j/ann", "-"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_label_intervals (-want +got):\n%s", diff)
	}
}

// An item that waited on two decisions by the same person is one evidence
// entry, with its longest wait.
func TestDecisionEvidenceOnePerItem(t *testing.T) {
	s := newScenario(t)
	decisionPeople(s)
	approvals(s, "A", "carol", 5, 3)
	s.move("A-1", day(4, 9), "Done", "Awaiting Approval", "ann")
	s.move("A-1", day(9, 9), "Awaiting Approval", "Done", "carol")
	env := s.env(day(0, 0), day(14, 0), day(10, 17))
	res := runModule(t, "decision_latency", env)
	if len(res.Findings) != 1 {
		t.Fatalf("findings %v, want carol's", res.Findings)
	}
	f := res.Findings[0]
	if got := f.Evidence.Values["decisions"]; got != 6 {
		t.Errorf("decisions = %v, want 6 (A-1 twice)", got)
	}
	want := []string{"A-1", "A-2", "A-3", "A-4", "A-5"}
	if diff := cmp.Diff(want, evidenceKeys(f)); diff != "" {
		t.Errorf("evidence keys (-want +got):\n%s", diff)
	}
	if !strings.Contains(f.Evidence.Items[0].Note, "longest of 2 decisions") {
		t.Errorf("A-1's note %q does not say it waited twice", f.Evidence.Items[0].Note)
	}
}
