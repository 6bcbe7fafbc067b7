package reports

import (
	"context"
	"fmt"

	"github.com/systemic-dev/systemic/internal/config"
)

// Tracking follows an agreement from the day the teams started it: the
// window of the report's length before that day against the days since,
// up to the report's end.
type Tracking struct {
	Since  string      `json:"since"`
	Before *Compliance `json:"before,omitempty"`
	After  *Compliance `json:"after,omitempty"`
	// Status is kept, not kept, not enough data, or not started.
	Status string `json:"status"`
	// Text is the one line the report shows: "since 2026-11-04: review
	// pickup p85 working days 1.3 -> 0.8, target 24h, kept".
	Text string `json:"text"`
}

// Tracking statuses.
const (
	Kept       = "kept"
	NotKept    = "not kept yet"
	NotStarted = "not started"
	TooFew     = "not enough data yet"
)

func (m *model) track(ctx context.Context, ms measure, a config.Agreement) (*Tracking, error) {
	since := a.Since.Time
	tr := &Tracking{Since: a.Since.String()}
	name := metricName(a.Metric)
	if !since.Before(m.opts.To) {
		tr.Status = NotStarted
		tr.Text = fmt.Sprintf("since %s: %s, target %s: starts after this period; the next report tracks it", tr.Since, name, a.Raw)
		return tr, nil
	}
	before, err := m.comply(ctx, ms, a.Target, since.Add(-m.opts.To.Sub(m.opts.From)), since)
	if err != nil {
		return nil, err
	}
	after, err := m.comply(ctx, ms, a.Target, since, m.opts.To)
	if err != nil {
		return nil, err
	}
	tr.Before, tr.After = before, after
	tr.Status = m.kept(a, after)
	tr.Text = fmt.Sprintf("since %s: %s %s %s -> %s, target %s, %s", tr.Since, name, after.Label,
		figure(before), figure(after), a.Raw, tr.Status)
	return tr, nil
}

// kept judges the days since the start against the target, as the
// period's verdict does: nine cases in ten within it (no unreviewed merge
// beyond the target).
func (m *model) kept(a config.Agreement, c *Compliance) string {
	switch {
	case a.Metric == "unreviewed_merges" && c.N > 0:
		if c.Value <= a.Target {
			return Kept
		}
		return NotKept
	case c.N == 0 || c.N < m.opts.Thresholds.MinSample:
		return TooFew
	case c.Share >= 0.9:
		return Kept
	}
	return NotKept
}

func figure(c *Compliance) string {
	if c == nil || c.N == 0 {
		return "none"
	}
	return fmt.Sprintf("%g", c.Value)
}

// metricName is an agreement metric in words.
func metricName(metric string) string {
	names := map[string]string{"review_pickup": "review pickup", "blocked_time": "blocked time", "wip_per_person": "work in progress per person",
		"unreviewed_merges": "unreviewed merges", "carry_over": "carry-over", "decision_latency": "decision latency"}
	if n, ok := names[metric]; ok {
		return n
	}
	return metric
}

// trackingText is the tracking line after an agreement's reason, or "".
func trackingText(t *Tracking) string {
	if t == nil {
		return ""
	}
	return "; " + t.Text
}
