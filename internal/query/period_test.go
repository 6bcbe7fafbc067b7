package query_test

import (
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/query"
)

func TestWindow(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		period, from, to string
		want             [2]string // "" for an open side
		bad              bool
	}{
		{period: "2026-10", want: [2]string{"2026-10-01", "2026-11-01"}},
		{period: "last-month", want: [2]string{"2026-10-01", "2026-11-01"}},
		{period: "this-month", want: [2]string{"2026-11-01", "2026-12-01"}},
		{period: "2026", want: [2]string{"2026-01-01", "2027-01-01"}},
		{period: "2026-W41", want: [2]string{"2026-10-05", "2026-10-12"}},
		{period: "2027-W01", want: [2]string{"2027-01-04", "2027-01-11"}},
		{from: "2026-10-01", to: "2026-10-31", want: [2]string{"2026-10-01", "2026-11-01"}},
		{from: "2026-10-01", want: [2]string{"2026-10-01", ""}},
		{want: [2]string{"", ""}},
		{period: "octember", bad: true},
		{period: "2026-10", from: "2026-10-01", bad: true},
		{from: "2026-11-01", to: "2026-10-01", bad: true},
		{to: "31/10/2026", bad: true},
	}
	now := time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.period+tt.from+".."+tt.to, func(t *testing.T) {
			from, to, err := query.Window(tt.period, tt.from, tt.to, now)
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v, want bad=%v", err, tt.bad)
			}
			if tt.bad {
				return
			}
			for i, got := range []time.Time{from, to} {
				want := time.Time{}
				if tt.want[i] != "" {
					want = day(tt.want[i])
				}
				if !got.Equal(want) {
					t.Errorf("side %d = %v, want %v", i, got, want)
				}
			}
		})
	}
}
