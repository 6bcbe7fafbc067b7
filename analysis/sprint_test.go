package analysis_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/store"
)

// sprints builds board 1 with two closed two-week sprints and an active
// third, and team red's items in them:
//
//	committed to S1, S2 and S3, never done (missed 2 in a row)
//	done in S1;  R-4  carried from S1, done in S2
//	R-7  added to S1 after its start and done;  R-8  removed from S1 mid-sprint
func sprints(s *scenario) {
	for i, st := range []string{"closed", "closed", "active"} {
		start, end := day(14*i, 9), day(14*i+13, 17)
		sp := store.Sprint{SprintID: fmt.Sprintf("j:%d", i+1), Source: "j", BoardID: "1",
			Name: fmt.Sprintf("S%d", i+1), State: st, StartAt: tp(start), EndAt: tp(end)}
		if st == "closed" {
			sp.CompleteAt = tp(end)
		}
		s.add(sp)
	}
	in := func(sprint int, key string, committed, completed bool, added, removed *time.Time) {
		s.add(store.SprintItem{SprintID: fmt.Sprintf("j:%d", sprint), ItemID: "j:" + key, Committed: committed,
			CompletedInSprint: completed, AddedAt: added, RemovedAt: removed})
	}
	for i := 1; i <= 8; i++ {
		k := fmt.Sprintf("R-%d", i)
		switch i {
		case 1, 2:
			s.item(k, "red", "In Progress", day(-3, 9))
		case 8:
			s.item(k, "red", "To Do", day(-3, 9))
		default:
			s.item(k, "red", "Done", day(-3, 9))
			s.move(k, day(i, 9), "To Do", "In Progress", "")
			s.move(k, day(i+1, 9), "In Progress", "Done", "")
		}
	}
	for _, k := range []string{"R-1", "R-2"} {
		in(1, k, true, false, tp(day(-1, 9)), nil)
		in(2, k, true, false, tp(day(13, 17)), nil)
		in(3, k, true, false, tp(day(27, 17)), nil)
	}
	for _, k := range []string{"R-3", "R-5", "R-6"} {
		in(1, k, true, true, tp(day(-1, 9)), nil)
	}
	in(1, "R-4", true, false, tp(day(-1, 9)), nil)
	in(2, "R-4", true, true, tp(day(13, 17)), nil)
	in(1, "R-7", false, true, tp(day(3, 9)), nil)
	in(1, "R-8", true, false, tp(day(-1, 9)), tp(day(4, 9)))
}

func TestSprintViews(t *testing.T) {
	s := newScenario(t)
	sprints(s)
	env := s.env(day(0, 0), day(35, 0), day(30, 12))
	got := rows(t, env.DB, `SELECT sprint, team, committed, completed, added, removed, carried_over, ended
FROM v_sprint_commitment ORDER BY sprint`)
	want := [][]string{
		{"S1", "red", "7", "3", "1", "1", "3", "true"},
		{"S2", "red", "3", "1", "0", "0", "2", "true"},
		{"S3", "red", "2", "0", "0", "0", "-", "false"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_sprint_commitment (-want +got):\n%s", diff)
	}
	got = rows(t, env.DB, `SELECT key, team, sprints, consecutive, last_sprint FROM v_carryover ORDER BY key`)
	want = [][]string{
		{"R-1", "red", "2", "2", "S2"},
		{"R-2", "red", "2", "2", "S2"},
		{"R-4", "red", "1", "1", "S1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_carryover (-want +got):\n%s", diff)
	}
}

func TestSprintViewsEmpty(t *testing.T) {
	s := newScenario(t)
	s.add(store.Sprint{SprintID: "j:9", Source: "j", BoardID: "1", Name: "S9", State: "future"})
	env := s.env(day(0, 0), day(35, 0), day(30, 12))
	got := rows(t, env.DB, `SELECT sprint, committed, added, carried_over FROM v_sprint_commitment`)
	if diff := cmp.Diff([][]string{{"S9", "0", "0", "-"}}, got); diff != "" {
		t.Errorf("v_sprint_commitment (-want +got):\n%s", diff)
	}
	if got := rows(t, env.DB, `SELECT * FROM v_carryover`); len(got) != 0 {
		t.Errorf("v_carryover = %v, want no rows", got)
	}
}

func TestStalledCommitment(t *testing.T) {
	// blue has 5 items done in two days each and 3 in progress: B-W1 started
	// 10 days before now and idle since, B-W2 as old but active yesterday,
	// B-W3 started yesterday.
	blue := func(s *scenario) {
		for i := 1; i <= 5; i++ {
			k := fmt.Sprintf("B-%d", i)
			s.item(k, "blue", "Done", day(0, 9))
			s.move(k, day(i, 9), "To Do", "In Progress", "")
			s.move(k, day(i+2, 9), "In Progress", "Done", "")
		}
		for i, started := range []int{20, 20, 29} {
			k := fmt.Sprintf("B-W%d", i+1)
			s.item(k, "blue", "In Progress", day(0, 9))
			s.move(k, day(started, 9), "To Do", "In Progress", "")
		}
		s.event("B-W2", day(29, 10), "assignee", "", "x", "")
	}
	tests := []struct {
		name      string
		build     func(s *scenario)
		want      []brief
		notEnough int
		keys      []string
	}{
		{name: "no data", build: func(s *scenario) {}},
		{
			name:      "one item is not enough data",
			build:     func(s *scenario) { s.item("R-1", "red", "In Progress", day(0, 9)) },
			notEnough: 1,
		},
		{
			name:  "carry-over sprint after sprint",
			build: sprints,
			// Both sprints of the window carried over more than 20%: above
			// the limit for the whole window is critical on the ladder.
			want: []brief{{"stalled_commitment", "critical", "red", "team", "red"}},
			keys: []string{"R-1", "R-2"}, // carried over and idle: one entry each
		},
		{
			name: "carry-over of one person's items points at their load",
			build: func(s *scenario) {
				sprints(s)
				s.person("zed", "red")
				s.sqls = append(s.sqls, "UPDATE items SET assignee_id = 'j/zed' WHERE key IN ('R-1', 'R-2')")
			},
			want: []brief{{"stalled_commitment", "info", "red", "team", "red"}},
			keys: []string{"R-1", "R-2"},
		},
		{
			name:  "aging and inactive work in progress",
			build: blue,
			want:  []brief{{"stalled_commitment", "info", "blue", "team", "blue"}},
			keys:  []string{"B-W1", "B-W2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			tc.build(s)
			env := s.env(day(0, 0), day(35, 0), day(30, 12))
			res := runModule(t, "stalled_commitment", env)
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

// A database prepared by an earlier build may hold a derived fact as a view
// that is now a table (or the other way round).
func TestPrepareReplacesAnEarlierKind(t *testing.T) {
	s := newScenario(t)
	s.sqls = append(s.sqls, "CREATE VIEW v_sprint_commitment AS SELECT 1 AS x", "CREATE TABLE v_carryover AS SELECT 1 AS x")
	env := s.env(day(0, 0), day(35, 0), day(30, 12))
	if got := rows(t, env.DB, `SELECT count(*) FROM v_sprint_commitment`); got[0][0] != "0" {
		t.Errorf("v_sprint_commitment has %s rows, want 0", got[0][0])
	}
}

// An active sprint past its planned end that nobody completed has not
// ended: it is under way with its numbers so far, its items are not
// carried over yet, and commitment_completion counts only S1 and S2.
func TestSprintUnderWayPastItsPlannedEnd(t *testing.T) {
	s := newScenario(t)
	sprints(s)
	r9 := s.item("R-9", "red", "Done", day(28, 9))
	r9.ResolvedAt = tp(day(30, 9))
	s.add(store.SprintItem{SprintID: "j:3", ItemID: "j:R-9", AddedAt: tp(day(29, 9))})
	s.sqls = append(s.sqls, fmt.Sprintf("UPDATE items SET resolved_at = '%s' WHERE key = 'R-4'", day(16, 9).Format(time.RFC3339)))
	env := s.env(day(0, 0), day(49, 0), day(43, 12)) // S3 was planned to end on day 41
	got := rows(t, env.DB, `SELECT sprint, ended, under_way, committed, completed, added, carried_over,
	in_sprint, done_so_far, committed_done_so_far FROM v_sprint_commitment ORDER BY sprint`)
	want := [][]string{
		{"S1", "true", "false", "7", "3", "1", "3", "0", "0", "0"},
		{"S2", "true", "false", "3", "1", "0", "2", "0", "0", "0"},
		{"S3", "false", "true", "2", "0", "1", "-", "3", "1", "0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_sprint_commitment (-want +got):\n%s", diff)
	}
	got = rows(t, env.DB, `SELECT key, sprints, consecutive, last_sprint FROM v_carryover ORDER BY key`)
	want = [][]string{{"R-1", "2", "2", "S2"}, {"R-2", "2", "2", "S2"}, {"R-4", "1", "1", "S1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v_carryover (-want +got):\n%s", diff)
	}
	res := runModule(t, "stalled_commitment", env)
	for _, m := range res.Metrics {
		if m.Metric == "commitment_completion" && m.Period == "all" && (m.Value != 0.4 || m.N != 10) {
			t.Errorf("commitment_completion %s = %v of %d committed, want 0.4 of 10 (S1 and S2 only)", m.Scope, m.Value, m.N)
		}
	}
	// As of day 20, S2 was under way: R-4 done in it, R-1 and R-2 not yet.
	got = rows(t, env.DB, `SELECT sprint, ended, under_way, in_sprint, done_so_far FROM sprint_state(?::TIMESTAMPTZ) ORDER BY sprint`, day(20, 12))
	want = [][]string{{"S1", "true", "false", "0", "0"}, {"S2", "false", "true", "3", "1"}, {"S3", "false", "false", "0", "0"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sprint_state(day 20) (-want +got):\n%s", diff)
	}
}
