package analysis_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
)

// TestTrendBaselineKept checks a second analysis of the same window reads
// the previous period's findings from trend_baselines and finds the same,
// and that changed data computes them again.
func TestTrendBaselineKept(t *testing.T) {
	ctx := context.Background()
	st := benchStore(t, 0.005)
	end := benchStart.AddDate(1, 0, 0)
	opts := analysis.Options{Env: analysis.Env{From: end.AddDate(0, 0, -30), To: end, Now: end,
		Calendar: config.Calendar{Timezone: "UTC"}}}
	analyze := func() (analysis.Summary, string) {
		t.Helper()
		sum, err := analysis.Analyze(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		var from string
		if err := st.DB().QueryRow(`SELECT computed_from FROM trend_baselines WHERE run_id = ?`, sum.RunID).Scan(&from); err != nil {
			t.Fatal(err)
		}
		return sum, from
	}
	first, from1 := analyze()
	again, from2 := analyze()
	if from1 != from2 || !reflect.DeepEqual(first.Findings, again.Findings) {
		t.Errorf("second analysis of the same data differs: baseline %s then %s, %d findings then %d",
			from1, from2, len(first.Findings), len(again.Findings))
	}
	if _, err := st.DB().Exec(`DELETE FROM item_events WHERE event_id = 'jira:0'`); err != nil {
		t.Fatal(err)
	}
	if _, from3 := analyze(); from3 == from2 {
		t.Errorf("changed data kept the baseline computed from %s", from2)
	}
}
