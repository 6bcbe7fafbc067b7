package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// nov25 is a Wednesday in ISO week 48 of 2026.
var nov25 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func TestParsePeriod(t *testing.T) {
	tests := []struct{ in, from, to, label string }{
		{"2026-10", "2026-10-01", "2026-11-01", "2026-10"},
		{"2026-12", "2026-12-01", "2027-01-01", "2026-12"},
		{"last-month", "2026-10-01", "2026-11-01", "2026-10"},
		{"this-month", "2026-11-01", "2026-12-01", "2026-11"},
		{"2026-Q4", "2026-10-01", "2027-01-01", "2026-Q4"},
		{"2026-q1", "2026-01-01", "2026-04-01", "2026-Q1"},
		{"this-quarter", "2026-10-01", "2027-01-01", "2026-Q4"},
		{"last-quarter", "2026-07-01", "2026-10-01", "2026-Q3"},
		{"2026-W41", "2026-10-05", "2026-10-12", "2026-W41"},
		{"2026-w1", "2025-12-29", "2026-01-05", "2026-W01"},
		{"2027-W01", "2027-01-04", "2027-01-11", "2027-W01"},
		{"2026-W53", "2026-12-28", "2027-01-04", "2026-W53"},
		{"this-week", "2026-11-23", "2026-11-30", "2026-W48"},
		{"last-week", "2026-11-16", "2026-11-23", "2026-W47"},
		{"2026", "2026-01-01", "2027-01-01", "2026"},
		{"this-year", "2026-01-01", "2027-01-01", "2026"},
		{"last-year", "2025-01-01", "2026-01-01", "2025"},
		{"last-30d", "2026-10-27", "2026-11-26", "2026-10-27..2026-11-25"},
		{"last-1d", "2026-11-25", "2026-11-26", "2026-11-25..2026-11-25"},
		{"last-12w", "2026-09-03", "2026-11-26", "2026-09-03..2026-11-25"},
		{" Last-Month ", "2026-10-01", "2026-11-01", "2026-10"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			w, err := config.ParsePeriod(tt.in, nov25)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := show(w), tt.from+" "+tt.to+" "+tt.label; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// TestParsePeriodAtYearEnds: the previous month, quarter and week of
// January cross into the year before.
func TestParsePeriodAtYearEnds(t *testing.T) {
	jan := time.Date(2027, 1, 2, 23, 0, 0, 0, time.UTC) // a Saturday in ISO week 53 of 2026
	tests := []struct{ in, want string }{
		{"last-month", "2026-12-01 2027-01-01 2026-12"},
		{"last-quarter", "2026-10-01 2027-01-01 2026-Q4"},
		{"this-week", "2026-12-28 2027-01-04 2026-W53"},
		{"last-week", "2026-12-21 2026-12-28 2026-W52"},
		{"last-year", "2026-01-01 2027-01-01 2026"},
	}
	for _, tt := range tests {
		w, err := config.ParsePeriod(tt.in, jan)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := show(w); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParsePeriodRefuses(t *testing.T) {
	bad := []string{"", "october", "2026-13", "2026-00", "2026-1", "last-2h", "last-0d", "last-1.5d",
		"last-9999999w", "2026-Q5", "2026-Q0", "2026-W00", "2027-W53", "2026-W54", "26", "2026-10-01", "next-month"}
	for _, in := range bad {
		_, err := config.ParsePeriod(in, nov25)
		if err == nil {
			t.Errorf("%q accepted", in)
			continue
		}
		// One message names every form, whatever was wrong.
		for _, form := range []string{"2026-10", "2026-Q4", "2026-W41", "(2026)", "last-month", "this-month",
			"last-quarter", "this-quarter", "last-week", "last-30d", "last-12w", "--from and --to"} {
			if !strings.Contains(err.Error(), form) {
				t.Errorf("%q: error lacks %q: %v", in, form, err)
			}
		}
	}
}

func TestResolveWindow(t *testing.T) {
	tests := []struct {
		period, from, to string
		want             string // from to label; "" sides are open
		err              string
	}{
		{period: "2026-Q4", want: "2026-10-01 2027-01-01 2026-Q4"},
		{period: "last-30d", want: "2026-10-27 2026-11-26 2026-10-27..2026-11-25"},
		{from: "2026-10-01", to: "2026-10-31", want: "2026-10-01 2026-11-01 2026-10-01..2026-10-31"},
		{from: "2026-10-01", to: "2026-10-01", want: "2026-10-01 2026-10-02 2026-10-01..2026-10-01"},
		{from: "2026-10-01", want: "2026-10-01 - 2026-10-01.."},
		{to: "2026-10-31", want: "- 2026-11-01 ..2026-10-31"},
		{want: "- - "},
		{period: "octember", err: `--period "octember": use a month`},
		{period: "2026-10", from: "2026-10-01", err: "not both"},
		{from: "2026-11-01", to: "2026-10-01", err: "--to 2026-10-01 is before --from 2026-11-01"},
		{to: "31/10/2026", err: "--to: invalid date"},
		{from: "2026-1-1", err: "--from: invalid date"},
	}
	for _, tt := range tests {
		t.Run(tt.period+tt.from+".."+tt.to, func(t *testing.T) {
			w, err := config.ResolveWindow(tt.period, tt.from, tt.to, nov25)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := show(w); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseWindow(t *testing.T) {
	w, err := config.ParseWindow("2026-10-01", "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := show(w), "2026-10-01 2027-01-01 2026-10-01..2026-12-31"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	for _, bad := range [][2]string{{"2026-10-02", "2026-10-01"}, {"", "2026-10-01"}, {"2026-10-01", "tomorrow"}} {
		if _, err := config.ParseWindow(bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// show writes a window as "from to label", "-" for an open side.
func show(w config.Window) string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format(time.DateOnly)
	}
	return day(w.From) + " " + day(w.To) + " " + w.Label
}
