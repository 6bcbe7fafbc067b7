package analysis

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// The calendar and state macros every derived fact may use:
//
//	work_hours(a, b)          working hours between two TIMESTAMPTZ instants
//	                          per the config calendar (0 when b <= a, NULL
//	                          when either is NULL)
//	state_class(status, cat)  new|active|waiting|blocked|decision|review|done
//	                          for a workflow status name and its category
func init() {
	RegisterPrelude(0, calendarMacros)
	RegisterPrelude(0, stateMacros)
}

// epochMonday is the day numbering origin of work_hours: a Monday, early
// enough that no tracker timestamp comes before it.
var epochMonday = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// workCalendar is config.Calendar resolved: defaults filled and parsed.
type workCalendar struct {
	tz         string
	days       [7]bool // Monday first
	start, end int     // seconds after local midnight
	holidays   []int64 // day numbers since epochMonday, working days only
}

var weekdayNames = map[string]int{"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

// resolveCalendar fills the calendar defaults (UTC, Monday to Friday,
// 09:00-17:00) and drops what it cannot read rather than failing a run:
// config validation is where bad values are reported.
func resolveCalendar(c config.Calendar) workCalendar {
	w := workCalendar{tz: "UTC", start: 9 * 3600, end: 17 * 3600}
	switch {
	case c.Location != nil && c.Location.String() != "Local":
		w.tz = c.Location.String()
	case c.Timezone != "":
		w.tz = c.Timezone
	}
	for _, d := range c.WorkingDays {
		d = strings.ToLower(strings.TrimSpace(d))
		if i, ok := weekdayNames[d[:min(3, len(d))]]; ok {
			w.days[i] = true
		}
	}
	if w.days == [7]bool{} {
		w.days = [7]bool{true, true, true, true, true, false, false}
	}
	start, okS := clockSeconds(c.DayStart)
	end, okE := clockSeconds(c.DayEnd)
	if okS && okE && end > start {
		w.start, w.end = start, end
	}
	for _, h := range c.Holidays {
		day := int64(time.Date(h.Year(), h.Month(), h.Day(), 0, 0, 0, 0, time.UTC).Sub(epochMonday).Hours() / 24)
		if day >= 0 && w.days[day%7] {
			w.holidays = append(w.holidays, day)
		}
	}
	sort.Slice(w.holidays, func(i, j int) bool { return w.holidays[i] < w.holidays[j] })
	return w
}

func clockSeconds(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return t.Hour()*3600 + t.Minute()*60, true
}

// calendarMacros defines work_hours as a difference of a cumulative
// working-seconds clock W(t) = working seconds from epochMonday to local
// time t, computed by arithmetic (whole weeks, a prefix count within the
// week, holidays before the day, the clamped part of the day itself), so it
// costs a few vectorised operations per row and no generate_series.
func calendarMacros(env *Env) []string {
	w := resolveCalendar(env.Calendar)
	var prefix, isDay []string
	n := 0
	for _, on := range w.days {
		prefix = append(prefix, fmt.Sprint(n))
		isDay = append(isDay, fmt.Sprint(on))
		if on {
			n++
		}
	}
	holBefore, holToday := "0", "false"
	if len(w.holidays) > 0 {
		var terms, list []string
		for _, h := range w.holidays {
			terms = append(terms, fmt.Sprintf("(d > %d)::BIGINT", h))
			list = append(list, fmt.Sprint(h))
		}
		holBefore = strings.Join(terms, " + ")
		holToday = "d IN (" + strings.Join(list, ", ") + ")"
	}
	dayLen := w.end - w.start
	local := fmt.Sprintf("timezone(%s, t)", sqlString(w.tz))
	if strings.EqualFold(w.tz, "UTC") {
		// epoch_us of a TIMESTAMPTZ ignores the session time zone: no ICU lookup per row.
		local = "make_timestamp(epoch_us(t))"
	}
	return []string{
		fmt.Sprintf(`CREATE OR REPLACE MACRO work_secs_day(d, tod) AS
	((d // 7) * %d + [%s][d %% 7 + 1] - (%s)) * %d
	+ CASE WHEN [%s][d %% 7 + 1] AND NOT (%s) THEN least(greatest(tod, %d), %d) - %d ELSE 0 END`,
			n, strings.Join(prefix, ", "), holBefore, dayLen, strings.Join(isDay, ", "), holToday,
			w.start, w.end, w.start),
		`CREATE OR REPLACE MACRO work_secs_local(lt) AS
	work_secs_day(lt::DATE - DATE '1900-01-01', epoch(lt) - epoch(date_trunc('day', lt)))`,
		fmt.Sprintf(`CREATE OR REPLACE MACRO work_local(t) AS %s`, local),
		`CREATE OR REPLACE MACRO work_hours(a, b) AS CASE
	WHEN b > a THEN (work_secs_local(work_local(b)) - work_secs_local(work_local(a))) / 3600.0
	WHEN b <= a THEN 0.0 END`,
	}
}

// defaultStates are the state names systemic understands without config;
// a list set in config replaces its default.
var defaultStates = config.States{
	Waiting:  []string{"waiting", "on hold", "waiting for customer", "waiting for support", "pending", "parked"},
	Blocked:  []string{"blocked", "impeded", "on hold - blocked"},
	Decision: []string{"awaiting approval", "awaiting decision", "needs decision", "pending approval"},
	Review:   []string{"in review", "review", "code review", "peer review", "under review", "qa", "in qa", "testing"},
}

// stateMacros defines state_class(status, category): the config's state
// names first (case-insensitive; done, blocked, decision, review, waiting,
// active win in that order when a name is listed twice), then the status
// category: new -> new, indeterminate -> active, done -> done.
func stateMacros(env *Env) []string {
	s := env.States
	pick := func(set, def []string) []string {
		if len(set) > 0 {
			return set
		}
		return def
	}
	classes := []struct {
		class string
		names []string
	}{
		{"done", s.Done},
		{"blocked", pick(s.Blocked, defaultStates.Blocked)},
		{"decision", pick(s.Decision, defaultStates.Decision)},
		{"review", pick(s.Review, defaultStates.Review)},
		{"waiting", pick(s.Waiting, defaultStates.Waiting)},
		{"active", s.Active},
	}
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE MACRO state_class(status, category) AS CASE\n")
	for _, c := range classes {
		if len(c.names) == 0 {
			continue
		}
		var quoted []string
		for _, n := range c.names {
			quoted = append(quoted, sqlString(strings.ToLower(strings.TrimSpace(n))))
		}
		fmt.Fprintf(&b, "\tWHEN lower(trim(status)) IN (%s) THEN '%s'\n", strings.Join(quoted, ", "), c.class)
	}
	b.WriteString(`	WHEN lower(category) = 'done' THEN 'done'
	WHEN lower(category) = 'new' THEN 'new'
	ELSE 'active' END`)
	return []string{b.String()}
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
