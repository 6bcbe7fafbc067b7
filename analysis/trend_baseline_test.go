package analysis_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/config"
)

// TestTrendBaselineKept checks a second analysis of the same window reads
// the previous period's findings from trend_baselines and finds the same;
// that a sync bringing only work created after the previous period keeps
// the baseline, with the findings of an analysis that computes it afresh;
// and that a change to the previous period's inputs computes it again.
func TestTrendBaselineKept(t *testing.T) {
	ctx := context.Background()
	st := benchStore(t, 0.005)
	end := benchStart.AddDate(1, 0, 0)
	opts := analysis.Options{Env: analysis.Env{From: end.AddDate(0, 0, -30), To: end, Now: end,
		Calendar: config.Calendar{Timezone: "UTC"}}}
	period := analysis.RunID(end.AddDate(0, 0, -60), end.AddDate(0, 0, -30))
	analyze := func() (analysis.Summary, string) {
		t.Helper()
		sum, err := analysis.Analyze(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		var from string
		if err := st.DB().QueryRow(`SELECT computed_from FROM trend_baselines WHERE run_id = ?`, period).Scan(&from); err != nil {
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
	// a sync: an event on every item opened in the window's last fortnight
	if err := benchstore.Sync(ctx, st.DB(), 1, end.AddDate(0, 0, -14), end, false); err != nil {
		t.Fatal(err)
	}
	synced, from3 := analyze()
	if from3 != from2 {
		t.Errorf("work created after the previous period computed its baseline again: %s then %s", from2, from3)
	}
	if _, err := st.DB().Exec(`DELETE FROM trend_baselines`); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := analyze(); !reflect.DeepEqual(fresh.Findings, synced.Findings) {
		t.Errorf("the kept baseline gives other trends than one computed afresh: %d findings, afresh %d",
			len(synced.Findings), len(fresh.Findings))
	}
	if _, err := st.DB().Exec(`DELETE FROM item_events WHERE event_id = 'jira:0'`); err != nil {
		t.Fatal(err)
	}
	if _, from4 := analyze(); from4 == from3 {
		t.Errorf("changed data kept the baseline computed from %s", from3)
	}
}

// TestMonthTrendReadsMonthBefore checks that a calendar month analysed
// after the month before compares with that month's stored run instead of
// running the modules over a period of its own length (a report's health
// months are analysed oldest first): no baseline is kept for it.
func TestMonthTrendReadsMonthBefore(t *testing.T) {
	ctx := context.Background()
	st := benchStore(t, 0.005)
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, from := range []time.Time{oct.AddDate(0, -1, 0), oct} {
		opts := analysis.Options{Env: analysis.Env{From: from, To: from.AddDate(0, 1, 0), Now: oct.AddDate(0, 1, 0),
			Calendar: config.Calendar{Timezone: "UTC"}}}
		if _, err := analysis.Analyze(ctx, st, opts); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM trend_baselines WHERE run_id = '2026-10-01..2026-11-01'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("October ran the modules over a previous period instead of reading September's stored run")
	}
}
