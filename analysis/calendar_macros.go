package analysis

import (
	"fmt"
	"math"
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
	mask, n := 0, 0
	for i, on := range w.days {
		if on {
			mask |= 1 << i
			n++
		}
	}
	holBefore, holToday := "0", "0"
	if len(w.holidays) > 0 {
		var terms, list []string
		for _, h := range w.holidays {
			terms = append(terms, fmt.Sprintf("(d > %d)::BIGINT", h))
			list = append(list, fmt.Sprint(h))
		}
		holBefore = strings.Join(terms, " + ")
		holToday = "(d IN (" + strings.Join(list, ", ") + "))::BIGINT"
	}
	const us = 1_000_000
	// Day numbers count from epochMonday; 1970-01-01 is day 25567.
	epochDay := int64(time.Unix(0, 0).UTC().Sub(epochMonday).Hours() / 24)
	local, fixed := localMicrosSQL(w.tz)
	// A fixed offset costs nothing to repeat. Otherwise the lambda binds
	// each instant's local time once: a macro argument is pasted wherever
	// its parameter appears, which would plan and compute the conversion a
	// dozen times per instant.
	hours := `CREATE OR REPLACE MACRO work_hours(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL
	ELSE greatest(work_us(work_local_us(b)) - work_us(work_local_us(a)), 0) / 3600000000.0 END`
	if !fixed {
		hours = `CREATE OR REPLACE MACRO work_hours(a, b) AS
	list_transform([[work_local_us(a), work_local_us(b)]], lambda wh_p: CASE
		WHEN wh_p[1] IS NULL OR wh_p[2] IS NULL THEN NULL
		ELSE greatest(work_us(wh_p[2]) - work_us(wh_p[1]), 0) / 3600000000.0 END)[1]`
	}
	return []string{
		fmt.Sprintf(`CREATE OR REPLACE MACRO work_us_day(d, tod) AS
	((d // 7) * %[1]d + bit_count(%[2]d & ((1::BIGINT << (d %% 7)) - 1))::BIGINT - (%[3]s)) * %[4]d
	+ ((%[2]d >> (d %% 7)) & 1) * (1 - %[5]s) * (least(greatest(tod, %[6]d), %[7]d) - %[6]d)`,
			n, mask, holBefore, int64(w.end-w.start)*us, holToday, int64(w.start)*us, int64(w.end)*us),
		fmt.Sprintf(`CREATE OR REPLACE MACRO work_us(u) AS work_us_day(u // %[1]d + %[2]d, u %% %[1]d)`,
			int64(86400*us), epochDay),
		fmt.Sprintf(`CREATE OR REPLACE MACRO work_local_us(t) AS %s`, local),
		hours,
	}
}

// Offsets of a time zone are tabulated per year over these years: ICU's
// timezone() costs microseconds a row, a few list lookups nanoseconds.
const offsetFirstYear, offsetLastYear = 1990, 2060

// localMicrosSQL is the expression turning TIMESTAMPTZ t into local wall
// time in tz, as microseconds since 1970-01-01 00:00 local. epoch_us ignores the session time zone, so the result does not
// depend on the machine. Per year the zone's first two offset changes and
// the offsets around them are listed (year taken in UTC, a zone never
// changes offset within hours of New Year); outside the tabulated years,
// or for zones Go cannot load, ICU converts.
func localMicrosSQL(tz string) (expr string, fixed bool) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Sprintf("epoch_us(timezone(%s, t))", sqlString(tz)), false
	}
	var first, second, before, between, after []string
	constant := true
	_, off0 := time.Date(offsetFirstYear, 1, 1, 0, 0, 0, 0, time.UTC).In(loc).Zone()
	for y := offsetFirstYear; y <= offsetLastYear; y++ {
		start := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		next := start.AddDate(1, 0, 0)
		changes := []int64{math.MaxInt64, math.MaxInt64}
		offs := make([]int, 3)
		_, offs[0] = start.In(loc).Zone()
		t := start
		for k := 0; k < 2; k++ {
			_, end := t.In(loc).ZoneBounds()
			if end.IsZero() || !end.Before(next) {
				break
			}
			changes[k] = end.UnixMicro()
			_, offs[k+1] = end.In(loc).Zone()
			t = end
		}
		for k := 1; k < 3; k++ {
			if changes[k-1] == math.MaxInt64 {
				offs[k] = offs[k-1]
			}
		}
		constant = constant && offs[0] == off0 && offs[1] == off0 && offs[2] == off0
		first, second = append(first, fmt.Sprint(changes[0])), append(second, fmt.Sprint(changes[1]))
		before, between, after = append(before, fmt.Sprint(offs[0])), append(between, fmt.Sprint(offs[1])), append(after, fmt.Sprint(offs[2]))
	}
	if constant {
		return fmt.Sprintf("(epoch_us(t) + %d)", int64(off0)*1e6), true
	}
	list := func(xs []string) string { return "[" + strings.Join(xs, ",") + "]" }
	k := fmt.Sprintf("(year(make_timestamp(epoch_us(t))) - %d)", offsetFirstYear-1)
	return fmt.Sprintf(`CASE WHEN %[1]s BETWEEN 1 AND %[2]d THEN epoch_us(t) + 1000000::BIGINT * CASE
		WHEN epoch_us(t) < %[3]s[%[1]s] THEN %[5]s[%[1]s]
		WHEN epoch_us(t) < %[4]s[%[1]s] THEN %[6]s[%[1]s]
		ELSE %[7]s[%[1]s] END
	ELSE epoch_us(timezone(%[8]s, t)) END`, k, offsetLastYear-offsetFirstYear+1, list(first), list(second),
		list(before), list(between), list(after), sqlString(tz)), false
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
