package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as 90m, 36h, 2d or 1w in YAML.
type Duration time.Duration

// ParseDuration reads 90m, 36h, 2d, 1w, 1.5d or any time.ParseDuration form.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if n := len(s); n > 1 {
		if u, ok := unit[s[n-1]]; ok {
			f, err := strconv.ParseFloat(s[:n-1], 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("invalid duration %q (use e.g. 90m, 36h, 2d, 1w)", s)
			}
			return time.Duration(f * float64(u)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q (use e.g. 90m, 36h, 2d, 1w)", s)
	}
	return d, nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return lineError(n, err)
	}
	*d = Duration(v)
	return nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String writes d in whole weeks, days or hours when it is one (2w, 3d,
// 36h), else as time.Duration does.
func (d Duration) String() string {
	v := time.Duration(d)
	switch {
	case v == 0:
		return "0"
	case v%(7*24*time.Hour) == 0:
		return fmt.Sprintf("%dw", v/(7*24*time.Hour))
	case v%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", v/(24*time.Hour))
	case v%time.Hour == 0:
		return fmt.Sprintf("%dh", v/time.Hour)
	}
	return v.String()
}

// Date is a calendar day written as 2026-01-31, held as midnight UTC.
type Date struct{ time.Time }

// ParseDate reads an ISO date (2026-01-31).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q (use YYYY-MM-DD)", s)
	}
	return Date{t}, nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDate(n.Value)
	if err != nil {
		return lineError(n, err)
	}
	*d = v
	return nil
}

// MarshalYAML writes the date back as YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// String writes d as YYYY-MM-DD, or "" when it is not set.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// lineError reports a bad value as a type error, so decoding goes on and
// every bad value in the file is reported with its line.
func lineError(n *yaml.Node, err error) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
}
