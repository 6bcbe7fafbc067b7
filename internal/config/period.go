package config

import (
	"fmt"
	"strings"
	"time"
)

// Window is a reporting window [From, To) with a label ("2026-10").
type Window struct {
	From, To time.Time
	Label    string
}

// ParsePeriod reads a --period value relative to now (UTC):
// "2026-10" (a calendar month), "last-month", "this-month",
// "2026-Q4" (a quarter), "last-30d" / "last-12w" (rolling, ending today).
func ParsePeriod(s string, now time.Time) (Window, error) {
	now = now.UTC()
	month := func(t time.Time) Window {
		from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return Window{From: from, To: from.AddDate(0, 1, 0), Label: from.Format("2006-01")}
	}
	s = strings.TrimSpace(strings.ToLower(s))
	switch {
	case s == "last-month":
		return month(now.AddDate(0, 0, -now.Day())), nil
	case s == "this-month":
		return month(now), nil
	case strings.HasPrefix(s, "last-"):
		d, err := ParseDuration(strings.TrimPrefix(s, "last-"))
		if err != nil || d < 24*time.Hour {
			break
		}
		to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
		return Window{From: to.Add(-d), To: to, Label: s}, nil
	case len(s) == 7 && s[4] == '-' && s[5] == 'q':
		var y, q int
		if _, err := fmt.Sscanf(s, "%d-q%d", &y, &q); err == nil && q >= 1 && q <= 4 {
			from := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
			return Window{From: from, To: from.AddDate(0, 3, 0), Label: fmt.Sprintf("%d-Q%d", y, q)}, nil
		}
	default:
		if t, err := time.Parse("2006-01", s); err == nil {
			return month(t), nil
		}
	}
	return Window{}, fmt.Errorf("period %q: use a month (2026-10), last-month, this-month, a quarter (2026-Q4) or last-30d", s)
}

// ParseWindow builds a window from --from/--to dates (to inclusive).
func ParseWindow(from, to string) (Window, error) {
	f, err := ParseDate(from)
	if err != nil {
		return Window{}, fmt.Errorf("--from: %w", err)
	}
	t, err := ParseDate(to)
	if err != nil {
		return Window{}, fmt.Errorf("--to: %w", err)
	}
	if !t.After(f.Time) && !t.Equal(f.Time) {
		return Window{}, fmt.Errorf("--to %s is before --from %s", to, from)
	}
	return Window{From: f.Time, To: t.AddDate(0, 0, 1), Label: from + ".." + to}, nil
}
