package analysis_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatusIntervals(t *testing.T) {
	const q = `SELECT key, team, status, state_class, start_at, end_at, hours, work_hours, seq, entered_by, left_by
FROM v_status_intervals ORDER BY key, seq`
	tests := []struct {
		name  string
		build func(s *scenario)
		want  [][]string
	}{
		{name: "no data", build: func(s *scenario) {}},
		{
			name: "one item never changed is open until now",
			build: func(s *scenario) {
				s.item("A-1", "red", "To Do", day(0, 9))
			},
			want: [][]string{{"A-1", "red", "To Do", "new", "2026-01-05T09:00", "-", "80.00", "32.00", "1", "-", "-"}},
		},
		{
			name: "changes chain the intervals and record who moved them",
			build: func(s *scenario) {
				s.person("ann", "red")
				s.person("bob", "")
				s.item("A-1", "red", "Done", day(0, 9))
				s.move("A-1", day(0, 13), "To Do", "In Progress", "ann")
				s.move("A-1", day(1, 9), "In Progress", "Awaiting Approval", "ann")
				s.move("A-1", day(4, 9), "Awaiting Approval", "Done", "bob")
			},
			want: [][]string{
				{"A-1", "red", "To Do", "new", "2026-01-05T09:00", "2026-01-05T13:00", "4.00", "4.00", "1", "-", "j/ann"},
				{"A-1", "red", "In Progress", "active", "2026-01-05T13:00", "2026-01-06T09:00", "20.00", "4.00", "2", "j/ann", "j/ann"},
				{"A-1", "red", "Awaiting Approval", "decision", "2026-01-06T09:00", "2026-01-09T09:00", "72.00", "24.00", "3", "j/ann", "j/bob"},
				{"A-1", "red", "Done", "done", "2026-01-09T09:00", "-", "0.00", "0.00", "4", "j/bob", "-"},
			},
		},
		{
			name: "clock skew: a change dated before creation starts at creation",
			build: func(s *scenario) {
				s.item("A-2", "red", "In Progress", day(1, 9))
				s.move("A-2", day(0, 9), "To Do", "In Progress", "")
			},
			want: [][]string{
				{"A-2", "red", "To Do", "new", "2026-01-06T09:00", "2026-01-06T09:00", "0.00", "0.00", "1", "-", "-"},
				{"A-2", "red", "In Progress", "active", "2026-01-06T09:00", "-", "56.00", "24.00", "2", "-", "-"},
			},
		},
		{
			name: "an item moved to another project keeps one history under its new key and team",
			build: func(s *scenario) {
				it := s.item("B-7", "blue", "In Progress", day(0, 9))
				it.ItemID = "j:A-3"
				s.event("A-3", day(0, 10), "status", "To Do", "In Progress", "")
				s.event("A-3", day(0, 11), "key", "A-3", "B-7", "")
			},
			want: [][]string{
				{"B-7", "blue", "To Do", "new", "2026-01-05T09:00", "2026-01-05T10:00", "1.00", "1.00", "1", "-", "-"},
				{"B-7", "blue", "In Progress", "active", "2026-01-05T10:00", "-", "79.00", "31.00", "2", "-", "-"},
			},
		},
		{
			name: "github close and reopen act as status changes",
			build: func(s *scenario) {
				it := s.item("o/r#1", "red", "closed", day(0, 9))
				it.Source = "gh"
				s.event("o/r#1", day(0, 10), "closed", "", "", "")
				s.event("o/r#1", day(0, 11), "reopened", "", "", "")
				s.event("o/r#1", day(0, 12), "closed", "", "", "")
			},
			want: [][]string{
				{"o/r#1", "red", "open", "active", "2026-01-05T09:00", "2026-01-05T10:00", "1.00", "1.00", "1", "-", "-"},
				{"o/r#1", "red", "closed", "done", "2026-01-05T10:00", "2026-01-05T11:00", "1.00", "1.00", "2", "-", "-"},
				{"o/r#1", "red", "open", "active", "2026-01-05T11:00", "2026-01-05T12:00", "1.00", "1.00", "3", "-", "-"},
				{"o/r#1", "red", "closed", "done", "2026-01-05T12:00", "-", "77.00", "29.00", "4", "-", "-"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			tc.build(s)
			env := s.env(day(0, 0), day(7, 0), day(3, 17)) // now: Thursday 17:00
			got := rows(t, env.DB, q)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("v_status_intervals (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBouncesMovesBack checks the returns and reopens of v_bounces: back
// to a status first reached before the one left is a return (a second
// trip to review is not), statuses compare without case, and leaving done
// for work is a reopen and a return.
func TestBouncesMovesBack(t *testing.T) {
	s := newScenario(t)
	s.item("A-1", "red", "In Progress", day(0, 9))
	s.move("A-1", day(0, 10), "To Do", "In Progress", "")
	s.move("A-1", day(0, 11), "In Progress", "In Review", "")
	s.move("A-1", day(0, 12), "In Review", "in progress", "")
	s.move("A-1", day(0, 13), "in progress", "In Review", "")
	s.move("A-1", day(0, 14), "In Review", "Done", "")
	s.move("A-1", day(0, 15), "Done", "In Progress", "")
	env := s.env(day(0, 0), day(7, 0), day(3, 17))
	got := rows(t, env.DB, `SELECT bounced_at, kind FROM v_bounces ORDER BY bounced_at, kind`)
	want := [][]string{
		{"2026-01-05T12:00", "return"},
		{"2026-01-05T15:00", "reopen"},
		{"2026-01-05T15:00", "return"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_bounces (-want +got):\n%s", diff)
	}
}
