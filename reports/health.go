package reports

import (
	"context"
	"fmt"
	"sort"
)

// HealthMetric is a metric the monthly health snapshot keeps per team.
type HealthMetric struct {
	Metric       string `json:"metric"`
	Label        string `json:"label"`
	HigherBetter bool   `json:"higher_better"`
	Share        bool   `json:"share"` // a 0..1 value, shown as a percentage
}

// HealthMetrics are the snapshot's metrics, in display order.
var HealthMetrics = []HealthMetric{
	{"throughput", "Items done", true, false},
	{"cycle_time_p85_days", "Cycle time P85 (days)", false, false},
	{"review_pickup_p85_hours", "Review pickup P85 (h)", false, false},
	{"blocked_p50_hours", "Blocked P50 (h)", false, false},
	{"commitment_completion", "Sprint commitment done", true, true},
	{"flow_efficiency", "Flow efficiency", true, true},
}

// Health is the monthly trend: the last six stored periods per team.
type Health struct {
	Periods     []string       `json:"periods"`
	Series      []HealthSeries `json:"series"`
	Stored      bool           `json:"stored"` // this report stored its period's snapshot
	NotMeasured string         `json:"not_measured,omitempty"`
}

// HealthSeries is one team's metric over Health.Periods; NaN-free, with
// missing periods as null.
type HealthSeries struct {
	Team   string     `json:"team"`
	Metric string     `json:"metric"`
	Label  string     `json:"label"`
	Values []*float64 `json:"values"`
}

func (m *model) health(ctx context.Context) error {
	h := &m.report.Health
	h.Periods, h.Series = []string{}, []HealthSeries{}
	switch {
	case !monthRE.MatchString(m.opts.Period):
		h.NotMeasured = "health snapshots are monthly: a report with --period YYYY-MM (or last-month) stores one"
	default:
		if m.st.ReadOnly() {
			h.NotMeasured = "the store is open read-only, so this month's snapshot was not stored"
		} else if err := m.snapshot(ctx); err != nil {
			return err
		}
	}
	return m.readHealth(ctx)
}

// snapshot replaces the period's health rows with the team metrics of the
// analyze run (and throughput counted from the items where the run has
// none).
func (m *model) snapshot(ctx context.Context) error {
	names := make([]any, len(HealthMetrics))
	for i, hm := range HealthMetrics {
		names[i] = hm.Metric
	}
	tx, err := m.st.Begin(ctx)
	if err != nil {
		return fmt.Errorf("health snapshot: %w", err)
	}
	defer tx.Rollback()
	period := m.opts.Period
	if _, err := tx.Exec(`DELETE FROM health_snapshots WHERE period = ?`, period); err != nil {
		return fmt.Errorf("health snapshot: %w", err)
	}
	q := `INSERT INTO health_snapshots
SELECT ?, scope, metric, arg_max(value, period = ?), arg_max(n, period = ?) FROM metrics
WHERE run_id = ? AND scope_kind = 'team' AND period IN (?, 'all') AND value IS NOT NULL
	AND metric IN (` + placeholders(len(names)) + `) GROUP BY scope, metric`
	args := append([]any{period, period, period, m.runID, period}, names...)
	if _, err := tx.Exec(q, args...); err != nil {
		return fmt.Errorf("health snapshot: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO health_snapshots
SELECT ?, team, 'throughput', count(*), count(*) FROM items
WHERE team IS NOT NULL AND kind <> 'epic' AND status_category = 'done' AND resolved_at >= ? AND resolved_at < ?
	AND team NOT IN (SELECT team FROM health_snapshots WHERE period = ? AND metric = 'throughput')
GROUP BY team`, period, m.opts.From, m.opts.To, period); err != nil {
		return fmt.Errorf("health snapshot: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("health snapshot: %w", err)
	}
	m.report.Health.Stored = true
	return nil
}

func (m *model) readHealth(ctx context.Context) error {
	last := m.opts.Period
	if !monthRE.MatchString(last) {
		last = m.opts.To.AddDate(0, 0, -1).Format("2006-01")
	}
	rows, err := m.db.QueryContext(ctx, `WITH p AS (SELECT DISTINCT period FROM health_snapshots WHERE period <= ?
	ORDER BY period DESC LIMIT 6)
SELECT period, team, metric, value FROM health_snapshots WHERE period IN (SELECT period FROM p) AND value IS NOT NULL`, last)
	if err != nil {
		return fmt.Errorf("read health: %w", err)
	}
	defer rows.Close()
	type key struct{ team, metric string }
	values := map[key]map[string]float64{}
	periods := map[string]bool{}
	for rows.Next() {
		var period, team, metric string
		var v float64
		if err := rows.Scan(&period, &team, &metric, &v); err != nil {
			return fmt.Errorf("read health: %w", err)
		}
		periods[period] = true
		k := key{team, metric}
		if values[k] == nil {
			values[k] = map[string]float64{}
		}
		values[k][period] = round(v, 3)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	h := &m.report.Health
	for p := range periods {
		h.Periods = append(h.Periods, p)
	}
	sort.Strings(h.Periods)
	var keys []key
	for k := range values {
		keys = append(keys, k)
	}
	order := map[string]int{}
	for i, hm := range HealthMetrics {
		order[hm.Metric] = i
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].team != keys[j].team {
			return keys[i].team < keys[j].team
		}
		return order[keys[i].metric] < order[keys[j].metric]
	})
	for _, k := range keys {
		hm, ok := healthMetric(k.metric)
		if !ok {
			continue
		}
		s := HealthSeries{Team: k.team, Metric: k.metric, Label: hm.Label}
		for _, p := range h.Periods {
			if v, ok := values[k][p]; ok {
				s.Values = append(s.Values, &v)
			} else {
				s.Values = append(s.Values, nil)
			}
		}
		h.Series = append(h.Series, s)
	}
	return nil
}

func healthMetric(name string) (HealthMetric, bool) {
	for _, hm := range HealthMetrics {
		if hm.Metric == name {
			return hm, true
		}
	}
	return HealthMetric{}, false
}
