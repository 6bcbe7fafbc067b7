package analysis_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// scenario builds a small store by hand for the status, blocking, sprint,
// dependency, decision, stall, handoff and scope tests: items are named by
// key (item id "j:"+key), people by a short name (identity "j/"+name, which
// is also their person id since no config merges them).
type scenario struct {
	t    *testing.T
	st   *store.Store
	rows []store.Row
	sqls []string
	n    int
}

// monday is 2026-01-05 00:00 UTC; day(d, h) is d days and h hours after it.
var monday = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func day(d int, h float64) time.Time {
	return monday.Add(time.Duration(d)*24*time.Hour + time.Duration(h*float64(time.Hour)))
}

func newScenario(t *testing.T) *scenario {
	t.Helper()
	st, err := store.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := &scenario{t: t, st: st}
	for _, st := range []store.Status{
		{Source: "j", StatusID: "1", Name: "To Do", Category: "new"},
		{Source: "j", StatusID: "3", Name: "In Progress", Category: "indeterminate"},
		{Source: "j", StatusID: "4", Name: "In Review", Category: "indeterminate"},
		{Source: "j", StatusID: "5", Name: "Blocked", Category: "indeterminate"},
		{Source: "j", StatusID: "6", Name: "Awaiting Approval", Category: "indeterminate"},
		{Source: "j", StatusID: "10", Name: "Done", Category: "done"},
	} {
		s.rows = append(s.rows, st)
	}
	return s
}

func tp(t time.Time) *time.Time { return &t }

// person declares a person in a team.
func (s *scenario) person(name, team string) {
	s.rows = append(s.rows, store.Identity{Source: "j", ExternalID: name, Login: name, DisplayName: name})
	if team != "" {
		s.sqls = append(s.sqls, fmt.Sprintf("INSERT INTO team_members VALUES ('%s', 'j/%s', NULL, NULL)", team, name))
	}
}

// item adds an issue created at created in status (category derived from
// the status table). resolved is set when the status is Done.
func (s *scenario) item(key, team, status string, created time.Time) *store.Item {
	cat := map[string]string{"To Do": "new", "Done": "done", "open": "indeterminate", "closed": "done", "merged": "done"}[status]
	if cat == "" {
		cat = "indeterminate"
	}
	it := store.Item{ItemID: "j:" + key, Source: "j", Kind: "issue", Key: key, Container: "P",
		Status: status, StatusCategory: cat, Team: team, CreatedAt: tp(created),
		URL: "https://jira.example/browse/" + key}
	s.rows = append(s.rows, &it)
	return &it
}

// move records a status change by actor (a person name or "").
func (s *scenario) move(key string, at time.Time, from, to, actor string) {
	s.event(key, at, "status", from, to, actor)
}

// event records an item event of kind with from/to values.
func (s *scenario) event(key string, at time.Time, kind, from, to, actor string) {
	s.n++
	ids := map[string]string{"To Do": "1", "In Progress": "3", "In Review": "4", "Blocked": "5", "Awaiting Approval": "6", "Done": "10"}
	ev := store.Event{EventID: fmt.Sprintf("j:%d:0", s.n), ItemID: "j:" + key, OccurredAt: at, Kind: kind,
		FromValue: from, ToValue: to}
	if kind == "status" {
		ev.FromID, ev.ToID = ids[from], ids[to]
	}
	if actor != "" {
		ev.ActorID = "j/" + actor
	}
	s.rows = append(s.rows, ev)
}

// add stages any other row.
func (s *scenario) add(rows ...store.Row) { s.rows = append(s.rows, rows...) }

// env writes the rows, prepares the derived facts and returns an Env over
// the window from..to with now.
func (s *scenario) env(from, to, now time.Time) *analysis.Env {
	s.t.Helper()
	ctx := context.Background()
	tx, err := s.st.Begin(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	defer tx.Rollback()
	for _, r := range s.rows {
		if it, ok := r.(*store.Item); ok {
			r = *it
		}
		if err := tx.Put(r); err != nil {
			s.t.Fatal(err)
		}
	}
	for _, q := range s.sqls {
		if _, err := tx.Exec(q); err != nil {
			s.t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		s.t.Fatal(err)
	}
	s.rows, s.sqls = nil, nil
	env := &analysis.Env{DB: s.st.DB(), From: from, To: to, Now: now, Thresholds: testThresholds()}
	if err := analysis.Prepare(ctx, env.DB, env); err != nil {
		s.t.Fatal(err)
	}
	return env
}

// testThresholds are the documented defaults, spelled out so the tests do
// not depend on another file's defaults.
func testThresholds() config.Thresholds {
	d := func(h float64) config.Duration { return config.Duration(time.Duration(h * float64(time.Hour))) }
	return config.Thresholds{MinSample: 5, ReviewPickup: d(24), WIPPerPerson: 3, BlockedMax: d(48),
		DecisionSLA: d(48), Inactive: d(120), CarryOver: 1, AgingPercentile: 0.85, AssigneeChanges: 3,
		StatusReturns: 2, ReviewRounds: 2, ScopeChurn: 0.25}
}

// rows runs q and returns each row's columns formatted with %v (times in
// UTC as 2006-01-02T15:04, floats with 2 decimals, NULL as "-").
func rows(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	r, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	var out [][]string
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var row []string
		for _, v := range vals {
			row = append(row, cell(v))
		}
		out = append(out, row)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04")
	case float64:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprint(v)
}

func sortedStrings(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}
