package analysis

import (
	"testing"
	"time"
)

func TestWeekIndex(t *testing.T) {
	mon := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	weeks := []time.Time{mon, mon.AddDate(0, 0, 7), mon.AddDate(0, 0, 14)}
	plus2 := time.FixedZone("+02", 2*3600)
	for _, tc := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"before the first week", mon.Add(-time.Second), -1},
		{"first Monday", mon, 0},
		{"first Sunday night", mon.AddDate(0, 0, 7).Add(-time.Second), 0},
		{"second Monday", mon.AddDate(0, 0, 7), 1},
		{"last week", mon.AddDate(0, 0, 20), 2},
		{"after the last week", mon.AddDate(0, 0, 21), -1},
		{"Monday 01:00 at +02 is Sunday in UTC", time.Date(2026, 11, 9, 1, 0, 0, 0, plus2), 0},
	} {
		if got := weekIndex(weeks, tc.at); got != tc.want {
			t.Errorf("%s: week %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := weekIndex(nil, mon); got != -1 {
		t.Errorf("no weeks: %d, want -1", got)
	}
}
