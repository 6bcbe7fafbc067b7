package config_test

import (
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tests := []struct{ in, from, to, label string }{
		{"2026-10", "2026-10-01", "2026-11-01", "2026-10"},
		{"last-month", "2026-10-01", "2026-11-01", "2026-10"},
		{"this-month", "2026-11-01", "2026-12-01", "2026-11"},
		{"2026-Q4", "2026-10-01", "2027-01-01", "2026-Q4"},
		{"last-30d", "2026-10-27", "2026-11-26", "last-30d"},
	}
	for _, tt := range tests {
		p, err := config.ParsePeriod(tt.in, now)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := p.From.Format(time.DateOnly) + " " + p.To.Format(time.DateOnly) + " " + p.Label; got != tt.from+" "+tt.to+" "+tt.label {
			t.Errorf("%s: got %s", tt.in, got)
		}
	}
	for _, bad := range []string{"", "october", "2026-13", "last-2h", "2026-Q5"} {
		if _, err := config.ParsePeriod(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
