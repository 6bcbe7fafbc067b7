package query

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Window resolves the command line's --period, --from and --to into a
// window [from, to) in UTC. period is YYYY-MM, YYYY-Www (ISO week), YYYY,
// last-month or this-month; from and to are dates (YYYY-MM-DD), to
// inclusive. Empty values leave that side of the window open.
func Window(period, from, to string, now time.Time) (time.Time, time.Time, error) {
	if period != "" {
		if from != "" || to != "" {
			return time.Time{}, time.Time{}, fmt.Errorf("give --period or --from/--to, not both")
		}
		return ParsePeriod(period, now)
	}
	var f, t time.Time
	var err error
	if from != "" {
		if f, err = time.Parse(time.DateOnly, from); err != nil {
			return f, t, fmt.Errorf("--from %q: use a date like 2026-10-01", from)
		}
	}
	if to != "" {
		if t, err = time.Parse(time.DateOnly, to); err != nil {
			return f, t, fmt.Errorf("--to %q: use a date like 2026-10-31", to)
		}
		t = t.AddDate(0, 0, 1)
	}
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		return f, t, fmt.Errorf("--from %s is after --to %s", from, to)
	}
	return f, t, nil
}

// ParsePeriod reads a period name into its window [from, to).
func ParsePeriod(p string, now time.Time) (time.Time, time.Time, error) {
	now = now.UTC()
	month := func(y int, m time.Month) (time.Time, time.Time, error) {
		f := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return f, f.AddDate(0, 1, 0), nil
	}
	switch p = strings.ToLower(strings.TrimSpace(p)); {
	case p == "last-month":
		return month(now.Year(), now.Month()-1)
	case p == "this-month":
		return month(now.Year(), now.Month())
	case len(p) == 4:
		if y, err := strconv.Atoi(p); err == nil {
			f := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			return f, f.AddDate(1, 0, 0), nil
		}
	case strings.Contains(p, "-w"):
		var y, w int
		if _, err := fmt.Sscanf(p, "%d-w%d", &y, &w); err == nil && w >= 1 && w <= 53 {
			jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
			monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
			return monday, monday.AddDate(0, 0, 7), nil
		}
	default:
		if t, err := time.Parse("2006-01", p); err == nil {
			return month(t.Year(), t.Month())
		}
	}
	return time.Time{}, time.Time{}, fmt.Errorf("--period %q: use a month (2026-10), an ISO week (2026-W41), a year (2026), last-month or this-month", p)
}
