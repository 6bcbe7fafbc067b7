package analysis_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
)

func runA1(t *testing.T, name string, env *analysis.Env) analysis.Result {
	t.Helper()
	m, err := analysis.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type findingBrief struct {
	Severity, Team, Kind, Subject string
}

func findingBriefs(fs []analysis.Finding) []findingBrief {
	var out []findingBrief
	for _, f := range fs {
		out = append(out, findingBrief{f.Severity, f.Team, f.SubjectKind, f.Subject})
	}
	return out
}

func TestWIPOverload(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "platform")
	f.person("cat", "growth")
	f.statuses("To Do", "new", "In Progress", "indeterminate", "Done", "done")
	// ann: seven issues in progress for two weeks.
	f.inProgress("ann", "platform", "PLAT", 1, 7)
	// bob: one issue, which he hands to ann halfway (she then holds 8).
	f.issue(fxIssue{Key: "PLAT-9", Team: "platform", Assignee: "ann", Status: "In Progress", Created: f.at(0, 9)})
	f.status("PLAT-9", f.at(0, 10), "To Do", "In Progress", "bob")
	f.assign("PLAT-9", f.at(0, 9), "", "bob", "bob")
	f.assign("PLAT-9", f.at(7, 9), "bob", "ann", "bob")
	// cat: one issue for one day only: not enough data. The status change is
	// dated before the issue's creation (clock skew).
	f.issue(fxIssue{Key: "GROW-1", Team: "growth", Assignee: "cat", Status: "Done", Created: f.at(2, 10),
		Resolved: ptr(f.at(2, 15))})
	f.status("GROW-1", f.at(2, 9), "To Do", "In Progress", "cat")
	f.status("GROW-1", f.at(2, 15), "In Progress", "Done", "cat")
	env := f.env(f.at(0, 0), f.at(14, 0), f.at(14, 0))

	res := runA1(t, "wip_overload", env)
	want := []findingBrief{{analysis.Critical, "platform", "person", "ann"}}
	if d := cmp.Diff(want, findingBriefs(res.Findings)); d != "" {
		t.Fatalf("findings (-want +got):\n%s", d)
	}
	fd := res.Findings[0]
	if fd.Evidence.Values["median_wip"] != 7.5 || fd.Evidence.Values["max_wip"] != 8 || len(fd.Evidence.Items) != 8 {
		t.Errorf("evidence %+v, want median 7.5, max 8 and 8 items", fd.Evidence)
	}
	t.Log(fd.Summary)
	if d := cmp.Diff([]string{"cat: 1 working day with work in progress"}, res.NotEnoughData); d != "" {
		t.Errorf("not enough data (-want +got):\n%s", d)
	}
	var bobDays, negative int
	if err := env.DB.QueryRow(`SELECT count(*) FILTER (WHERE person = 'bob'), count(*) FILTER (WHERE items <= 0) FROM v_wip`).Scan(&bobDays, &negative); err != nil {
		t.Fatal(err)
	}
	if bobDays != 8 || negative != 0 {
		t.Errorf("bob has %d days of WIP, want 8 (days 0..7); %d non-positive rows", bobDays, negative)
	}
}

func TestWIPOverloadNoData(t *testing.T) {
	f := newFixture(t)
	env := f.env(f.at(0, 0), f.at(14, 0), f.at(14, 0))
	res := runA1(t, "wip_overload", env)
	if len(res.Findings)+len(res.Metrics)+len(res.NotEnoughData) != 0 {
		t.Errorf("empty store gave %+v", res)
	}
}

// TestWIPOverloadHolidays: the calendar's weekends and holidays are not
// working days of the series, whichever day of the week the window holds.
func TestWIPOverloadHolidays(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.statuses("To Do", "new", "In Progress", "indeterminate", "Done", "done")
	f.inProgress("ann", "platform", "PLAT", 1, 5)
	env := f.env(f.at(0, 0), f.at(21, 0), f.at(21, 0))
	weekdays := 0
	var holiday time.Time
	for d := f.at(0, 0); d.Before(f.at(21, 0)); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			weekdays++
			holiday = d // the last weekday
		}
	}
	for _, tc := range []struct {
		name     string
		holidays []config.Date
		want     int
	}{{"no holiday", nil, weekdays}, {"one holiday", []config.Date{{Time: holiday}}, weekdays - 1}} {
		t.Run(tc.name, func(t *testing.T) {
			env.Calendar.Holidays = tc.holidays
			res := runA1(t, "wip_overload", env)
			if len(res.Findings) != 1 {
				t.Fatalf("findings %+v, want ann's", res.Findings)
			}
			if got := res.Findings[0].Evidence.Values["days"]; got != float64(tc.want) {
				t.Errorf("%v working days with work in progress, want %d", got, tc.want)
			}
		})
	}
}
