package reports

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/systemic-dev/systemic/analysis"
)

// HealthMetric is a metric of the health trend, as the registry defines it.
type HealthMetric struct {
	Metric       string `json:"metric"`
	Label        string `json:"label"` // with the unit it is shown in
	Unit         string `json:"unit"`  // the shown unit: "working days", "%", ...
	HigherBetter bool   `json:"higher_better"`
	Share        bool   `json:"share"` // shown as a percentage
}

// HealthMetrics are the trend's metrics, in display order, from the
// metric registry.
var HealthMetrics = healthMetrics()

func healthMetrics() []HealthMetric {
	var out []HealthMetric
	for _, d := range analysis.HealthDefs() {
		hm := HealthMetric{Metric: d.Name, Label: d.Label, Unit: d.ShowUnit(), HigherBetter: d.HigherIsBetter, Share: d.Unit == analysis.Share}
		if hm.Share {
			hm.Unit = "%"
		}
		if hm.Unit != "" {
			hm.Label += " (" + hm.Unit + ")"
		}
		out = append(out, hm)
	}
	return out
}

// HealthMonths is how many months the health trend shows.
const HealthMonths = 6

// Health is the trend of the last HealthMonths months up to the report's
// end, each month's values computed over that month alone by the same
// analysis as the findings (one stored run per month).
type Health struct {
	Periods []string       `json:"periods"`
	Windows []PeriodInfo   `json:"windows"` // each period's window; the last may end with the report
	Series  []HealthSeries `json:"series"`
	// Stored is kept for schema compatibility: the months are stored as
	// health_snapshots rows whenever the store is writable.
	Stored      bool   `json:"stored"`
	NotMeasured string `json:"not_measured,omitempty"`
}

// HealthSeries is one team's metric over Health.Periods in the metric's
// shown unit (HealthMetric.Unit); months without a value are null.
type HealthSeries struct {
	Team   string `json:"team"`
	Metric string `json:"metric"`
	Label  string `json:"label"`
	// Unit is the unit of Values: "working days" for a metric stored in
	// working hours, "%" for a share, "" for counts.
	Unit   string     `json:"unit"`
	Values []*float64 `json:"values"`
}

// Window is an analysis window [From, To).
type Window struct{ From, To time.Time }

// HealthWindows are the months of the trend of a report over [from, to):
// the HealthMonths calendar months up to the one holding the report's last
// day, the last one ending with the report when it ends mid-month.
func HealthWindows(from, to time.Time) []Window {
	last := to.Add(-time.Nanosecond).UTC()
	first := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1-HealthMonths, 0)
	var ws []Window
	for m := first; m.Before(to); m = m.AddDate(0, 1, 0) {
		end := m.AddDate(0, 1, 0)
		if end.After(to) {
			end = to
		}
		ws = append(ws, Window{From: m, To: end})
	}
	return ws
}

func (m *model) health(ctx context.Context) error {
	h := &m.report.Health
	h.Periods, h.Windows, h.Series = []string{}, []PeriodInfo{}, []HealthSeries{}
	type key struct{ team, metric string }
	values := map[key][]*float64{}
	var teams []string
	windows := HealthWindows(m.opts.From, m.opts.To)
	for i, w := range windows {
		label := w.From.Format("2006-01")
		h.Periods = append(h.Periods, label)
		h.Windows = append(h.Windows, PeriodInfo{From: day(w.From), To: day(w.To), Label: label})
		got, err := m.monthValues(ctx, w)
		if err != nil {
			return err
		}
		if got == nil {
			h.NotMeasured = fmt.Sprintf("%s was not analysed (run `systemic report`, which analyses each month of the trend)", label)
			continue
		}
		for k, v := range got {
			kk := key{k[0], k[1]}
			if values[kk] == nil {
				values[kk] = make([]*float64, len(windows))
				teams = appendNew(teams, k[0])
			}
			values[kk][i] = &v
		}
	}
	sort.Strings(teams)
	for _, team := range teams {
		for _, hm := range HealthMetrics {
			if vs, ok := values[key{team, hm.Metric}]; ok {
				h.Series = append(h.Series, HealthSeries{Team: team, Metric: hm.Metric, Label: hm.Label, Unit: hm.Unit, Values: vs})
			}
		}
	}
	return m.storeHealth(ctx)
}

// monthValues reads the team values of the health metrics from the run of
// exactly window w, in their shown units; nil when w was not analysed.
func (m *model) monthValues(ctx context.Context, w Window) (map[[2]string]float64, error) {
	id := analysis.RunID(w.From, w.To)
	var n int
	if err := m.db.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE run_id = ?`, id).Scan(&n); err != nil {
		return nil, fmt.Errorf("health %s: %w", id, err)
	}
	if n == 0 {
		return nil, nil
	}
	rows, err := m.db.QueryContext(ctx, `SELECT scope, metric, value FROM metrics
WHERE run_id = ? AND scope_kind = 'team' AND period = 'all' AND value IS NOT NULL AND NOT isnan(value)`, id)
	if err != nil {
		return nil, fmt.Errorf("health %s: %w", id, err)
	}
	defer rows.Close()
	out := map[[2]string]float64{}
	for rows.Next() {
		var team, metric string
		var v float64
		if err := rows.Scan(&team, &metric, &v); err != nil {
			return nil, fmt.Errorf("health %s: %w", id, err)
		}
		if d, ok := analysis.MetricByName(metric); ok && d.Health {
			out[[2]string{team, metric}] = round(d.Show(v, m.opts.Calendar.HoursPerDay()), 2)
		}
	}
	return out, rows.Err()
}

// storeHealth keeps the months as health_snapshots rows (in stored units)
// for tools that read that table; the report never reads them back.
func (m *model) storeHealth(ctx context.Context) error {
	if m.st.ReadOnly() {
		return nil
	}
	tx, err := m.st.Begin(ctx)
	if err != nil {
		return fmt.Errorf("health snapshot: %w", err)
	}
	defer tx.Rollback()
	for _, w := range HealthWindows(m.opts.From, m.opts.To) {
		if !w.To.Equal(w.From.AddDate(0, 1, 0)) {
			continue // a month still running is not a snapshot
		}
		period := w.From.Format("2006-01")
		if _, err := tx.Exec(`DELETE FROM health_snapshots WHERE period = ?`, period); err != nil {
			return fmt.Errorf("health snapshot: %w", err)
		}
		if _, err := tx.Exec(`INSERT INTO health_snapshots SELECT ?, scope, metric, value, n FROM metrics
WHERE run_id = ? AND scope_kind = 'team' AND period = 'all' AND value IS NOT NULL AND metric IN (`+placeholders(len(HealthMetrics))+`)`,
			append([]any{period, analysis.RunID(w.From, w.To)}, healthNames()...)...); err != nil {
			return fmt.Errorf("health snapshot: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("health snapshot: %w", err)
	}
	m.report.Health.Stored = true
	return nil
}

func healthNames() []any {
	out := make([]any, len(HealthMetrics))
	for i, hm := range HealthMetrics {
		out[i] = hm.Metric
	}
	return out
}

func appendNew(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}
