package analysis_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/store"
)

func TestBlocked(t *testing.T) {
	const q = `SELECT key, team, start_at, end_at, work_hours, reason, blocker_key, blocker_team
FROM v_blocked ORDER BY key, start_at, reason`
	tests := []struct {
		name  string
		build func(s *scenario)
		want  [][]string
	}{
		{name: "no data", build: func(s *scenario) {}},
		{
			name: "blocked status",
			build: func(s *scenario) {
				s.item("A-1", "red", "In Progress", day(0, 9))
				s.move("A-1", day(0, 10), "To Do", "Blocked", "")
				s.move("A-1", day(1, 10), "Blocked", "In Progress", "")
			},
			want: [][]string{{"A-1", "red", "2026-01-05T10:00", "2026-01-06T10:00", "8.00", "status", "-", "-"}},
		},
		{
			name: "flag on and off, then on and still flagged now",
			build: func(s *scenario) {
				s.item("A-1", "red", "In Progress", day(0, 9))
				s.event("A-1", day(0, 10), "flagged", "", "Impediment", "")
				s.event("A-1", day(0, 11), "flagged", "Impediment", "", "")
				s.event("A-1", day(1, 9), "flagged", "", "Impediment", "")
			},
			want: [][]string{
				{"A-1", "red", "2026-01-05T10:00", "2026-01-05T11:00", "1.00", "flag", "-", "-"},
				{"A-1", "red", "2026-01-06T09:00", "-", "24.00", "flag", "-", "-"},
			},
		},
		{
			name: "links end when the blocker is done, the link goes or the blocked item is done",
			build: func(s *scenario) {
				s.item("A-1", "red", "In Progress", day(0, 9))
				s.item("A-2", "red", "Done", day(0, 9))
				s.move("A-2", day(2, 9), "To Do", "Done", "")
				s.item("A-3", "red", "In Progress", day(0, 9))
				s.item("B-1", "blue", "Done", day(0, 9))
				s.move("B-1", day(1, 9), "To Do", "Done", "")
				s.item("B-2", "blue", "In Progress", day(0, 9))
				s.add(
					store.Link{FromItem: "j:B-1", ToItem: "j:A-1", Type: "blocks", CreatedAt: tp(day(0, 9))},
					store.Link{FromItem: "j:B-2", ToItem: "j:A-1", Type: "blocks", CreatedAt: tp(day(0, 9)), RemovedAt: tp(day(0, 13))},
					store.Link{FromItem: "j:B-2", ToItem: "j:A-2", Type: "blocks"},
					store.Link{FromItem: "j:B-1", ToItem: "j:A-3", Type: "blocks", CreatedAt: tp(day(2, 9))},
					store.Link{FromItem: "j:B-2", ToItem: "j:A-3", Type: "relates", CreatedAt: tp(day(0, 9))},
				)
			},
			want: [][]string{
				{"A-1", "red", "2026-01-05T09:00", "2026-01-05T13:00", "4.00", "link", "B-2", "blue"},
				{"A-1", "red", "2026-01-05T09:00", "2026-01-06T09:00", "8.00", "link", "B-1", "blue"},
				{"A-2", "red", "2026-01-05T09:00", "2026-01-07T09:00", "16.00", "link", "B-2", "blue"},
			},
		},
		{
			name: "clock skew: a link dated before the blocked item exists starts at its creation",
			build: func(s *scenario) {
				s.item("A-1", "red", "In Progress", day(1, 9))
				s.item("B-1", "blue", "In Progress", day(0, 9))
				s.add(store.Link{FromItem: "j:B-1", ToItem: "j:A-1", Type: "blocks", CreatedAt: tp(day(0, 9))})
			},
			want: [][]string{{"A-1", "red", "2026-01-06T09:00", "-", "24.00", "link", "B-1", "blue"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			tc.build(s)
			env := s.env(day(0, 0), day(7, 0), day(3, 17))
			if diff := cmp.Diff(tc.want, rows(t, env.DB, q)); diff != "" {
				t.Errorf("v_blocked (-want +got):\n%s", diff)
			}
		})
	}
}
