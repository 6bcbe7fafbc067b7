package analysis_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/store"
)

// churnySprint gives team green one sprint on board 2 with committed
// items, added after the start added ones, and removed ones of the
// committed taken out mid-sprint.
func churnySprint(s *scenario, committed, added, removed int) {
	s.add(store.Sprint{SprintID: "j:20", Source: "j", BoardID: "2", Name: "G1", State: "closed",
		StartAt: tp(day(0, 9)), EndAt: tp(day(11, 17)), CompleteAt: tp(day(11, 17))})
	for i := 1; i <= committed+added; i++ {
		k := fmt.Sprintf("G-%d", i)
		s.item(k, "green", "To Do", day(-2, 9))
		si := store.SprintItem{SprintID: "j:20", ItemID: "j:" + k, Committed: i <= committed, AddedAt: tp(day(-1, 9))}
		if i > committed {
			si.AddedAt = tp(day(2, 9))
		}
		if i <= removed {
			si.RemovedAt = tp(day(3, 9))
		}
		s.add(si)
	}
}

func TestScopeChurn(t *testing.T) {
	tests := []struct {
		name      string
		build     func(s *scenario)
		want      []brief
		notEnough int
		keys      []string
	}{
		{name: "no data", build: func(s *scenario) {}},
		{name: "one item is not enough data", build: func(s *scenario) { churnySprint(s, 1, 0, 0) }, notEnough: 1},
		{
			// S1 changed by 2 of its 7 committed items (29%) over its two
			// weeks: an episode, though the five weeks as a whole stay under
			// the threshold (2 of 12).
			name:  "one two-week sprint over the threshold",
			build: sprints,
			want:  []brief{{"scope_churn", "warn", "red", "team", "red"}},
			keys:  []string{"R-7", "R-8"},
		},
		{
			name:  "scope added and removed mid-sprint",
			build: func(s *scenario) { churnySprint(s, 5, 3, 1) },
			want:  []brief{{"scope_churn", "critical", "green", "team", "green"}},
			keys:  []string{"G-1", "G-6", "G-7", "G-8"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			tc.build(s)
			env := s.env(day(0, 0), day(35, 0), day(30, 12))
			res := runModule(t, "scope_churn", env)
			checkResult(t, res, tc.want, tc.notEnough)
			for _, f := range res.Findings {
				t.Log(f.Summary)
				if diff := cmp.Diff(tc.keys, evidenceKeys(f)); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
			}
		})
	}
}
