package analysis_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/store"
)

func TestHandoffChurn(t *testing.T) {
	// calm gives team n items moved through the workflow once, with one
	// first assignment and one return from review.
	calm := func(s *scenario, team string, n int) {
		for i := 1; i <= n; i++ {
			k := fmt.Sprintf("%s-%d", team, i)
			s.item(k, team, "Done", day(0, 9))
			s.event(k, day(0, 10), "assignee", "", "ann", "")
			s.move(k, day(1, 9), "To Do", "In Progress", "")
			s.move(k, day(1, 12), "In Progress", "In Review", "")
			s.move(k, day(1, 13), "In Review", "In Progress", "")
			s.move(k, day(1, 15), "In Progress", "In Review", "")
			s.move(k, day(2, 9), "In Review", "Done", "")
		}
	}
	tests := []struct {
		name      string
		build     func(s *scenario)
		want      []brief
		notEnough int
		keys      []string
	}{
		{name: "no data", build: func(s *scenario) {}},
		{name: "one item is not enough data", build: func(s *scenario) { calm(s, "red", 1) }, notEnough: 1},
		{name: "one return each is calm", build: func(s *scenario) { calm(s, "red", 8) }},
		{
			name: "handoffs, ping-pong, a reopen and review rounds",
			build: func(s *scenario) {
				calm(s, "red", 7)
				s.item("H-1", "red", "In Progress", day(0, 9))
				for i, who := range []string{"", "ann", "bob", "cid", "ann"} {
					if i > 0 {
						s.event("H-1", day(1, float64(i)), "assignee", []string{"", "ann", "bob", "cid"}[i-1], who, "")
					}
				}
				s.item("P-1", "red", "Done", day(0, 9))
				s.move("P-1", day(1, 9), "To Do", "In Progress", "")
				s.move("P-1", day(1, 10), "In Progress", "Done", "")
				s.move("P-1", day(1, 11), "Done", "In Progress", "") // reopened: a return
				s.move("P-1", day(1, 12), "In Progress", "In Review", "")
				s.move("P-1", day(1, 13), "In Review", "In Progress", "")
				pr := s.item("o/r#1", "red", "open", day(0, 9))
				pr.Kind, pr.Source = "pull_request", "gh"
				s.event("o/r#1", day(1, 9), "review_requested", "", "bob", "")
				for i := 1; i <= 2; i++ {
					s.add(store.Review{ReviewID: fmt.Sprintf("gh:%d", i), ItemID: "j:o/r#1", ReviewerID: "j/bob",
						State: "CHANGES_REQUESTED", SubmittedAt: tp(day(1, float64(9+i)))})
				}
			},
			want: []brief{{"handoff_churn", "critical", "red", "team", "red"}},
			keys: []string{"H-1", "P-1", "o/r#1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			tc.build(s)
			env := s.env(day(0, 0), day(14, 0), day(6, 17))
			res := runModule(t, "handoff_churn", env)
			checkResult(t, res, tc.want, tc.notEnough)
			for _, f := range res.Findings {
				t.Log(f.Summary)
				var keys []string
				for _, it := range f.Evidence.Items {
					keys = append(keys, it.Key)
					t.Log(it.Key, it.Note)
				}
				if diff := cmp.Diff(tc.keys, sortedStrings(keys)); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
			}
		})
	}
}
