package analysis_test

import (
	"context"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
)

// benchMonths are the six health months of a report on October 2026,
// the last full month of the benchmark store.
func benchMonths() []analysis.Env {
	var envs []analysis.Env
	now := benchStart.AddDate(1, 0, 0)
	for m := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC); m.Month() <= 10; m = m.AddDate(0, 1, 0) {
		envs = append(envs, analysis.Env{From: m, To: m.AddDate(0, 1, 0), Now: now})
	}
	return envs
}

// newBenchDay adds the next day of data a sync would bring: 300 issues
// created that day with 25 events each, and one more event on an issue
// created on 31 October (issue i is created i*8 minutes after benchStart:
// 7.5::BIGINT is 8), so October's inputs change and the five months
// before keep theirs.
func newBenchDay(b *testing.B, st *store.Store, day int) {
	b.Helper()
	at := benchStart.AddDate(1, 0, day)
	stmts := []string{
		`INSERT INTO items SELECT 'jira:new' || $2 || '-' || i, 'jira', 'issue', 'P1-N' || $2 || '-' || i, 'P1', 'New', 'Story',
	'To Do', 'new', 'Medium', 'jira/1', 'jira/2', 't1', NULL, NULL, 1, [], [], NULL, $1::TIMESTAMPTZ + to_minutes(i), NULL, NULL, NULL
	FROM range(300) r(i)`,
		`INSERT INTO item_events SELECT 'jira:new' || $2 || '-' || e, 'jira:new' || $2 || '-' || (e // 25),
	$1::TIMESTAMPTZ + to_minutes(e), 'jira/1', 'status', NULL, 'To Do', 'In Progress', NULL, NULL FROM range(7500) r(e)`,
		`INSERT INTO item_events VALUES ('jira:late' || $2, 'jira:65160', $1::TIMESTAMPTZ + INTERVAL 2 HOUR, 'jira/1', 'status', NULL,
	'In Progress', 'In Review', NULL, NULL)`,
	}
	for _, q := range stmts {
		if _, err := st.DB().Exec(q, at, day); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
}

// BenchmarkIncremental measures what incremental analysis costs and
// saves on the benchmark store: the fingerprint of one window's inputs,
// and the six health months of a report analysed from nothing and again
// after a new day of data (when only October's inputs changed).
func BenchmarkIncremental(b *testing.B) {
	if testing.Short() {
		b.Skip("fills a store of 2M events")
	}
	st := benchStore(b, 1)
	ctx := context.Background()
	months := benchMonths()
	ensureAll := func(b *testing.B) (reused int) {
		for _, env := range months {
			run, err := analysis.Ensure(ctx, st, analysis.Options{Env: env})
			if err != nil {
				b.Fatal(err)
			}
			if run.Cached {
				reused++
			}
		}
		return reused
	}
	b.Run("fingerprint", func(b *testing.B) {
		cpu0 := benchstore.CPUSeconds()
		for b.Loop() {
			if _, err := st.WindowInputs(ctx, months[2].To); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((benchstore.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	})
	b.Run("six-months-cold", func(b *testing.B) {
		cpu0 := benchstore.CPUSeconds()
		for b.Loop() {
			b.StopTimer()
			if _, err := st.DB().Exec(`DELETE FROM runs`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if n := ensureAll(b); n != 0 {
				b.Fatalf("%d months reused from an empty cache", n)
			}
		}
		b.ReportMetric((benchstore.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	})
	b.Run("six-months-after-a-new-day", func(b *testing.B) {
		ensureAll(b)
		day := 0
		var reused int
		cpu0 := benchstore.CPUSeconds()
		for b.Loop() {
			b.StopTimer()
			day++
			newBenchDay(b, st, day)
			b.StartTimer()
			reused = ensureAll(b)
		}
		b.ReportMetric((benchstore.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(reused), "months-reused")
	})
}
