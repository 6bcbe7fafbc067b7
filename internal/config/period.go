package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Window is a reporting window [From, To) in UTC with a label ("2026-10").
// A zero From or To leaves that side open (a query's --from alone).
type Window struct {
	From, To time.Time
	Label    string
}

// PeriodForms lists every --period form, for flag help and errors.
const PeriodForms = "a month (2026-10), a quarter (2026-Q4), an ISO week (2026-W41), a year (2026), " +
	"last-month, this-month, last-quarter, this-quarter, last-week, this-week, last-year, this-year, " +
	"or the last days or weeks up to today (last-30d, last-12w)"

// maxRollingDays bounds last-Nd / last-Nw (a century), so a typo such as
// last-99999999w is an error rather than a date before year 1.
const maxRollingDays = 36600

var (
	namedPeriod   = regexp.MustCompile(`^(\d{4})(?:-(\d{2})|-q(\d)|-w(\d{1,2}))?$`)
	rollingPeriod = regexp.MustCompile(`^last-(\d{1,6})([dw])$`)
)

// ParsePeriod reads a --period value relative to now (UTC): a calendar
// month, quarter, ISO week or year by name, the current or previous one
// (this-month, last-quarter, ...), or the last N days or weeks up to and
// including today. Labels name the window the same way whatever the form
// (last-month in November 2026 is "2026-10").
func ParsePeriod(s string, now time.Time) (Window, error) {
	p := strings.ToLower(strings.TrimSpace(s))
	today := midnight(now.UTC())
	if w, ok := relativePeriod(p, today); ok {
		return w, nil
	}
	if w, ok := rollingWindow(p, today); ok {
		return w, nil
	}
	if w, ok := calendarPeriod(p); ok {
		return w, nil
	}
	return Window{}, fmt.Errorf("period %q: use %s; or give --from and --to dates (YYYY-MM-DD, --to inclusive)", s, PeriodForms)
}

// ParseWindow builds a window from --from/--to dates, to inclusive.
func ParseWindow(from, to string) (Window, error) {
	f, err := ParseDate(from)
	if err != nil {
		return Window{}, fmt.Errorf("--from: %w", err)
	}
	t, err := ParseDate(to)
	if err != nil {
		return Window{}, fmt.Errorf("--to: %w", err)
	}
	if t.Before(f.Time) {
		return Window{}, fmt.Errorf("--to %s is before --from %s", to, from)
	}
	return span(f.Time, t.AddDate(0, 0, 1)), nil
}

// ResolveWindow reads --period, or --from and --to, either of which may be
// missing: that side of the window stays open (zero), for the caller to
// default or leave open. A period together with dates is an error; no
// flags at all give the zero Window.
func ResolveWindow(period, from, to string, now time.Time) (Window, error) {
	if period != "" {
		if from != "" || to != "" {
			return Window{}, errors.New("give --period or --from/--to, not both")
		}
		w, err := ParsePeriod(period, now)
		if err != nil {
			return Window{}, fmt.Errorf("--%w", err)
		}
		return w, nil
	}
	var w Window
	if from != "" {
		f, err := ParseDate(from)
		if err != nil {
			return Window{}, fmt.Errorf("--from: %w", err)
		}
		w.From = f.Time
	}
	if to != "" {
		t, err := ParseDate(to)
		if err != nil {
			return Window{}, fmt.Errorf("--to: %w", err)
		}
		w.To = t.AddDate(0, 0, 1)
	}
	if !w.From.IsZero() && !w.To.IsZero() && !w.From.Before(w.To) {
		return Window{}, fmt.Errorf("--to %s is before --from %s", to, from)
	}
	if w.From.IsZero() && w.To.IsZero() {
		return w, nil
	}
	return span(w.From, w.To), nil
}

// span is the window [from, to) labelled with its first and last day
// ("2026-10-01..2026-10-31"); an open side is left out of the label.
func span(from, to time.Time) Window {
	var first, last string
	if !from.IsZero() {
		first = from.Format(time.DateOnly)
	}
	if !to.IsZero() {
		last = to.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return Window{From: from, To: to, Label: first + ".." + last}
}

// relativePeriod reads this-/last- month, quarter, week and year.
func relativePeriod(p string, today time.Time) (Window, bool) {
	y, m := today.Year(), today.Month()
	q := (int(m)-1)/3 + 1
	switch p {
	case "this-month":
		return month(y, m), true
	case "last-month":
		return month(y, m-1), true
	case "this-quarter":
		return quarter(y, q), true
	case "last-quarter":
		return quarter(y, q-1), true
	case "this-week":
		return weekOf(today), true
	case "last-week":
		return weekOf(today.AddDate(0, 0, -7)), true
	case "this-year":
		return year(y), true
	case "last-year":
		return year(y - 1), true
	}
	return Window{}, false
}

// rollingWindow reads last-Nd and last-Nw: N whole days up to and
// including today.
func rollingWindow(p string, today time.Time) (Window, bool) {
	m := rollingPeriod.FindStringSubmatch(p)
	if m == nil {
		return Window{}, false
	}
	n, _ := strconv.Atoi(m[1]) // the pattern allows digits only
	if m[2] == "w" {
		n *= 7
	}
	if n < 1 || n > maxRollingDays {
		return Window{}, false
	}
	to := today.AddDate(0, 0, 1)
	return span(to.AddDate(0, 0, -n), to), true
}

// calendarPeriod reads 2026, 2026-10, 2026-q4 and 2026-w41.
func calendarPeriod(p string) (Window, bool) {
	m := namedPeriod.FindStringSubmatch(p)
	if m == nil {
		return Window{}, false
	}
	y, _ := strconv.Atoi(m[1])
	switch {
	case m[2] != "":
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return Window{}, false
		}
		return month(y, time.Month(mo)), true
	case m[3] != "":
		q, _ := strconv.Atoi(m[3])
		if q < 1 || q > 4 {
			return Window{}, false
		}
		return quarter(y, q), true
	case m[4] != "":
		w, _ := strconv.Atoi(m[4])
		return isoWeek(y, w)
	}
	return year(y), true
}

func month(y int, m time.Month) Window {
	from := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) // month 0 is December of y-1
	return Window{From: from, To: from.AddDate(0, 1, 0), Label: from.Format("2006-01")}
}

func quarter(y, q int) Window {
	from := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC) // quarter 0 is Q4 of y-1
	label := fmt.Sprintf("%d-Q%d", from.Year(), (int(from.Month())-1)/3+1)
	return Window{From: from, To: from.AddDate(0, 3, 0), Label: label}
}

func year(y int) Window {
	from := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	return Window{From: from, To: from.AddDate(1, 0, 0), Label: fmt.Sprintf("%04d", y)}
}

// isoWeek is week w of ISO year y (Monday to Sunday; week 1 holds January
// 4th). Week 53 exists only in some years.
func isoWeek(y, w int) (Window, bool) {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	if gy, gw := monday.ISOWeek(); w < 1 || gy != y || gw != w {
		return Window{}, false
	}
	return weekOf(monday), true
}

// weekOf is the ISO week holding day t.
func weekOf(t time.Time) Window {
	monday := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	y, w := monday.ISOWeek()
	return Window{From: monday, To: monday.AddDate(0, 0, 7), Label: fmt.Sprintf("%d-W%02d", y, w)}
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
