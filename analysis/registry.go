package analysis

import (
	"fmt"
	"sort"
)

// Unit is what a metric's value counts. A duration is either working time
// (the config's calendar: weekends, holidays and nights do not count) or
// calendar time, never both in one metric.
type Unit string

// Units of the registry.
const (
	WorkingHours Unit = "working hours" // stored in hours; shown in working days
	CalendarDays Unit = "calendar days"
	Items        Unit = "items"
	Share        Unit = "share" // 0..1, shown as a percentage
	Count        Unit = "count"
	Ratio        Unit = "ratio" // a dimensionless index (Gini, modularity)
)

// MetricDef is the one definition of a metric: every place that computes,
// compares or shows it (analysis, agreements, health, named questions,
// the report's glossary) reads it from here.
type MetricDef struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Unit  Unit   `json:"unit"`
	// HigherIsBetter gives the direction: trends and verdicts read "better"
	// or "worse" from it.
	HigherIsBetter bool `json:"higher_is_better"`
	// Aggregation says how one value is made from the observations of a
	// scope and period.
	Aggregation string `json:"aggregation"`
	// Definition says in plain words what is observed, from which view.
	Definition string `json:"definition"`
	// Health marks the metrics of the report's health trend.
	Health bool `json:"health,omitempty"`
}

var registry = map[string]MetricDef{}

func define(d MetricDef) {
	if _, dup := registry[d.Name]; dup {
		panic("analysis: metric defined twice: " + d.Name)
	}
	registry[d.Name] = d
}

// MetricByName looks a metric up by name.
func MetricByName(name string) (MetricDef, bool) {
	d, ok := registry[name]
	return d, ok
}

// MetricDefs lists every metric, sorted by name.
func MetricDefs() []MetricDef {
	out := make([]MetricDef, 0, len(registry))
	for _, d := range registry {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// HealthDefs are the metrics of the health trend, in display order.
func HealthDefs() []MetricDef {
	var out []MetricDef
	for _, name := range healthOrder {
		out = append(out, registry[name])
	}
	return out
}

var healthOrder = []string{"throughput", "cycle_time_p85_days", "review_pickup_p85_hours", "blocked_p50_hours",
	"commitment_completion", "flow_efficiency"}

// ShowUnit is the unit a metric is shown in: working hours are shown as
// working days, everything else as stored.
func (d MetricDef) ShowUnit() string {
	switch d.Unit {
	case WorkingHours:
		return "working days"
	case Share, Ratio, Count, Items:
		return ""
	}
	return string(d.Unit)
}

// Show converts a stored value to the unit it is shown in, given the
// calendar's working hours per day.
func (d MetricDef) Show(v, hoursPerDay float64) float64 {
	if d.Unit == WorkingHours && hoursPerDay > 0 {
		return v / hoursPerDay
	}
	if d.Unit == Share {
		return 100 * v
	}
	return v
}

// Format writes a stored value in the metric's shown unit: "1.4 working
// days", "12.0 calendar days", "83%", "14 items".
func (d MetricDef) Format(v, hoursPerDay float64) string {
	s := d.Show(v, hoursPerDay)
	switch d.Unit {
	case WorkingHours, CalendarDays:
		return fmt.Sprintf("%.1f %s", s, d.ShowUnit())
	case Share:
		return fmt.Sprintf("%.0f%%", s)
	case Items:
		return fmt.Sprintf("%.0f items", s)
	case Ratio:
		return fmt.Sprintf("%.2f", s)
	}
	return fmt.Sprintf("%g", round2(s))
}
