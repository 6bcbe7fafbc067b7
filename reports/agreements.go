package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// AgreementResult is one working agreement: compliance this period, the
// period before and the trend.
type AgreementResult struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Metric      string      `json:"metric"`
	Target      string      `json:"target"`
	Verdict     string      `json:"verdict"`
	Reason      string      `json:"reason"`
	NotMeasured string      `json:"not_measured,omitempty"`
	This        *Compliance `json:"this_period,omitempty"`
	Last        *Compliance `json:"last_period,omitempty"`
	Trend       string      `json:"trend"` // improving, worsening, steady, new
	// Findings are the findings about this entry ("critical wip overload: person-3 (data)").
	Findings []string `json:"findings,omitempty"`
	// Tracking follows an agreement with a start date (since:) from then.
	Tracking *Tracking `json:"tracking,omitempty"`
}

// Compliance is how well one period kept an agreement.
type Compliance struct {
	Share float64 `json:"share"` // 0..1 of cases within the target
	N     int     `json:"n"`     // cases
	Value float64 `json:"value"` // the observed value named by Label
	Label string  `json:"label"` // "p85 hours", "max items", "merges"
}

// measure is one agreement metric over a window [from, to).
type measure struct {
	view, label string
	// working measures in working time, like the analysis findings: the
	// target (24h = one working day) and the value are in working days.
	working bool
	// sql returns share, n, value; args: target, from, to, the end of
	// open intervals.
	sql string
}

var measures = map[string]measure{
	"review_pickup": {"v_review_waits", "p85 working days", true, `WITH w AS (SELECT coalesce(work_hours,
	work_hours(requested_at, ?::TIMESTAMPTZ)) AS h FROM v_review_waits WHERE requested_at >= ? AND requested_at < ?)
SELECT avg(CASE WHEN h <= ? THEN 1.0 ELSE 0 END), count(*), quantile_cont(h, 0.85) FROM w`},
	"blocked_time": {"v_blocked", "p85 working days", true, `WITH w AS (SELECT coalesce(work_hours,
	work_hours(start_at, ?::TIMESTAMPTZ)) AS h FROM v_blocked WHERE start_at >= ? AND start_at < ?)
SELECT avg(CASE WHEN h <= ? THEN 1.0 ELSE 0 END), count(*), quantile_cont(h, 0.85) FROM w`},
	"wip_per_person": {"v_wip", "max items", false, `WITH w AS (SELECT items AS h FROM v_wip
	WHERE ?::TIMESTAMPTZ IS NOT NULL AND day >= ? AND day < ? AND items > 0)
SELECT avg(CASE WHEN h <= ? THEN 1.0 ELSE 0 END), count(*), max(h) FROM w`},
	"unreviewed_merges": {"v_pr_phases", "merges without an approving review", false, `WITH w AS (SELECT coalesce(unreviewed_merge, false) AS u
	FROM v_pr_phases WHERE ?::TIMESTAMPTZ IS NOT NULL AND merged_at >= ? AND merged_at < ?)
SELECT avg(CASE WHEN u THEN 0 ELSE 1.0 END), count(*), count(*) FILTER (WHERE u) + 0 * ? FROM w`},
	// Decisions that began waiting in the window, each measured to its
	// decision or the window's end, whichever came first.
	"decision_latency": {"v_decisions", "p85 working days", true, `WITH e AS (SELECT ?::TIMESTAMPTZ AS end_at),
w AS (SELECT work_hours(entered_at, least(coalesce(decided_at, e.end_at), e.end_at)) AS h
	FROM v_decisions, e WHERE entered_at >= ? AND entered_at < ?)
SELECT avg(CASE WHEN h <= ? THEN 1.0 ELSE 0 END), count(*), quantile_cont(h, 0.85) FROM w`},
	// Carry-over from the sprint tables: per item, the sprints that ended
	// (were completed, as sprint_state defines it for the whole product) in
	// the window with the item still in them and not completed.
	"carry_over": {"sprint_items", "max sprints carried", false, `WITH ended AS (
	SELECT sprint_id, ended_at FROM sprint_state(?::TIMESTAMPTZ) WHERE ended),
w AS (SELECT si.item_id,
	count(*) FILTER (WHERE NOT coalesce(si.completed_in_sprint, false) AND si.removed_at IS NULL) AS h
	FROM sprint_items si JOIN ended sp USING (sprint_id)
	WHERE sp.ended_at >= ? AND sp.ended_at < ? GROUP BY si.item_id)
SELECT avg(CASE WHEN h <= ? THEN 1.0 ELSE 0 END), count(*), max(h) FROM w`},
}

func (m *model) agreement(ctx context.Context, a config.Agreement) (AgreementResult, error) {
	res := AgreementResult{ID: a.ID, Title: a.Title, Metric: a.Metric, Target: a.Raw, Trend: "new"}
	ms, ok := measures[a.Metric]
	if !ok {
		res.Verdict = Unknown
		res.NotMeasured = fmt.Sprintf("not measurable: systemic has no metric %q (measurable: %s)", a.Metric, agreementList())
		res.Reason = res.NotMeasured
		return res, nil
	}
	if why, ok := m.need(ms.view, "agreement "+a.ID); !ok {
		res.Verdict, res.Reason, res.NotMeasured = Unknown, why, why
		return res, nil
	}
	lastFrom, lastTo := m.lastPeriod()
	var err error
	res.This, err = m.comply(ctx, ms, a.Target, m.opts.From, m.opts.To)
	if err == nil {
		res.Last, err = m.comply(ctx, ms, a.Target, lastFrom, lastTo)
	}
	if err != nil {
		res.This, res.Last = nil, nil
		res.Verdict, res.NotMeasured = Unknown, fmt.Sprintf("agreement %s: not measured: %v", a.ID, err)
		res.Reason = res.NotMeasured
		return res, m.soft(ctx, "agreement "+a.ID, err)
	}
	res.Trend = trend(a.Metric, res.This, res.Last)
	res.Verdict, res.Reason = m.agreementVerdict(a, res.This)
	if !a.Since.IsZero() {
		if res.Tracking, err = m.track(ctx, ms, a); err != nil {
			return res, m.soft(ctx, "agreement "+a.ID+" since "+a.Since.String(), err)
		}
	}
	return res, nil
}

// lastPeriod is the window before the report's: the month before for a
// monthly report, else a window of the same length.
func (m *model) lastPeriod() (time.Time, time.Time) {
	if monthRE.MatchString(m.opts.Period) {
		return m.opts.From.AddDate(0, -1, 0), m.opts.From
	}
	return m.opts.From.Add(-m.opts.To.Sub(m.opts.From)), m.opts.From
}

func (m *model) comply(ctx context.Context, ms measure, target float64, from, to time.Time) (*Compliance, error) {
	end := to
	if m.opts.Now.Before(end) {
		end = m.opts.Now
	}
	var share, value sql.NullFloat64
	c := &Compliance{Label: ms.label}
	day := m.opts.Calendar.HoursPerDay()
	if ms.working {
		target = target / 24 * day // 24h of target = one working day
	}
	if err := m.db.QueryRowContext(ctx, ms.sql, end, from, to, target).Scan(&share, &c.N, &value); err != nil {
		return nil, err
	}
	if ms.working {
		value.Float64 /= day
	}
	c.Share, c.Value = round(share.Float64, 3), round(value.Float64, 1)
	return c, nil
}

func trend(metric string, this, last *Compliance) string {
	if this == nil || last == nil || last.N == 0 || this.N == 0 {
		return "new"
	}
	d := this.Share - last.Share
	if metric == "unreviewed_merges" {
		d = last.Value - this.Value
	}
	switch {
	case d > 0.02:
		return "improving"
	case d < -0.02:
		return "worsening"
	}
	return "steady"
}

func (m *model) agreementVerdict(a config.Agreement, c *Compliance) (string, string) {
	switch {
	case c.N == 0:
		return Unknown, "no cases in the period"
	case a.Metric == "unreviewed_merges" && c.Value <= a.Target:
		return OnTrack, fmt.Sprintf("%.0f of %d merges without an approving review (target at most %s)", c.Value, c.N, a.Raw)
	case a.Metric == "unreviewed_merges":
		return OffTrack, fmt.Sprintf("%.0f of %d merges without an approving review (target at most %s)", c.Value, c.N, a.Raw)
	case c.N < m.opts.Thresholds.MinSample:
		return Unknown, fmt.Sprintf("not enough data: %s (at least %d needed)", plural(c.N, "case", "cases"), m.opts.Thresholds.MinSample)
	}
	kept := fmt.Sprintf("%.0f%% of %d cases within %s (%s %g)", 100*c.Share, c.N, a.Raw, c.Label, c.Value)
	switch {
	case c.Share >= 0.9:
		return OnTrack, kept
	case c.Share >= 0.7:
		return AtRisk, kept
	}
	return OffTrack, kept
}

func agreementList() string {
	return "blocked_time, carry_over, decision_latency, review_pickup, unreviewed_merges, wip_per_person"
}
