package analysis_test

import (
	"context"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
)

// TestEveryEmittedMetricIsDefined runs every module on the synthetic
// organisation: each metric they emit has one definition in the registry,
// with a unit and a label, so no figure reaches a report undefined.
func TestEveryEmittedMetricIsDefined(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and syncs the default organisation")
	}
	env, _, _ := syncedOrg(t)
	seen := map[string]bool{}
	for _, m := range analysis.Modules() {
		res, err := m.Run(context.Background(), env)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.Metrics {
			if seen[x.Metric] {
				continue
			}
			seen[x.Metric] = true
			d, ok := analysis.MetricByName(x.Metric)
			if !ok {
				t.Errorf("module %s emits %s, which the registry does not define", m.Name(), x.Metric)
				continue
			}
			if d.Unit == "" || d.Label == "" || d.Definition == "" || d.Aggregation == "" {
				t.Errorf("%s: incomplete definition %+v", x.Metric, d)
			}
		}
	}
	for _, d := range analysis.HealthDefs() {
		if d.Name == "" {
			t.Error("a health metric is not in the registry")
		}
	}
}

func TestMetricFormatNamesItsUnit(t *testing.T) {
	tests := []struct {
		metric string
		value  float64
		want   string
	}{
		{"review_pickup_p85_hours", 12, "1.5 working days"},
		{"cycle_time_p85_days", 4.25, "4.2 calendar days"},
		{"flow_efficiency", 0.456, "46%"},
		{"throughput", 7, "7 items"},
	}
	for _, tt := range tests {
		d, ok := analysis.MetricByName(tt.metric)
		if !ok {
			t.Fatalf("%s not defined", tt.metric)
		}
		if got := d.Format(tt.value, 8); got != tt.want {
			t.Errorf("%s %v: got %q, want %q", tt.metric, tt.value, got, tt.want)
		}
	}
}
