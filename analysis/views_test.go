package analysis_test

import (
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
)

// TestViewsFollowDefinitions: an analysis leaves the derived views in place
// when their definitions have not changed since they were created, and
// they read the window being analysed (its as-of time, its tables); it
// creates them again when one is missing, when the macros of the config
// (the calendar) changed, or when another build's definitions created
// them.
func TestViewsFollowDefinitions(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.issue(fxIssue{Key: "PLAT-1", Team: "platform", Assignee: "ann", Created: f.at(0, 10)})
	f.status("PLAT-1", f.at(1, 10), "To Do", "In Progress", "ann")
	st := f.commit()
	ctx := f.ctx
	var calendar config.Calendar // the config's calendar, changed below
	analyse := func(now time.Time) {
		t.Helper()
		env := analysis.Env{From: now.AddDate(0, 0, -30), To: now, Now: now, Thresholds: config.Thresholds{}, Calendar: calendar}
		if _, err := analysis.Analyze(ctx, st, analysis.Options{Env: env}); err != nil {
			t.Fatal(err)
		}
	}
	// hours reads the open interval's calendar hours, as of the window
	// last analysed.
	hours := func() float64 {
		t.Helper()
		var h float64
		if err := st.DB().QueryRowContext(ctx, `SELECT hours FROM v_status_intervals WHERE end_at IS NULL`).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	for _, days := range []int{3, 5, 4} {
		analyse(f.at(days, 10))
		if got, want := hours(), float64(days-1)*24; got != want {
			t.Errorf("as of day %d: the open interval has %v hours, want %v", days, got, want)
		}
	}
	exec := func(q string) {
		t.Helper()
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	exec(`DROP VIEW v_status_intervals`)
	analyse(f.at(6, 10))
	if got := hours(); got != 5*24 {
		t.Errorf("a dropped view: %v hours, want %v", got, 5*24)
	}
	// a calendar of other working hours: the macros the views read change,
	// and the views are created again with them
	mark := func() string {
		t.Helper()
		var m string
		if err := st.DB().QueryRowContext(ctx, `SELECT built_from FROM derived_builds WHERE name = '_views'`).Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	before := mark()
	calendar = config.Calendar{DayStart: "08:00", DayEnd: "18:00"}
	analyse(f.at(6, 10))
	if mark() == before {
		t.Error("views kept across a change of the calendar's macros")
	}
	calendar = config.Calendar{}
	analyse(f.at(6, 10))
	if mark() != before {
		t.Error("views of the first calendar not created from its macros again")
	}
	// another build's definition, recorded under another mark
	exec(`CREATE OR REPLACE VIEW v_status_intervals AS SELECT 1.5 AS hours, NULL::TIMESTAMPTZ AS end_at`)
	exec(`UPDATE derived_builds SET built_from = 'another build' WHERE name = '_views'`)
	analyse(f.at(7, 10))
	if got := hours(); got != 6*24 {
		t.Errorf("views of another build: %v hours, want this build's %v", got, 6*24)
	}
}
