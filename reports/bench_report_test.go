package reports_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

// BenchmarkBuildAnalyzed builds the report of the last month of the
// benchmark organisation (100,000 items, 2,000,000 events; see
// internal/benchstore) with its six-month health trend, every window
// analysed through Options.Analyze as the report command wires it. A
// "cold" run starts from a store whose analyses are all out of date, as
// after a sync: the seven windows are analysed, sharing the derived tables
// that do not depend on the window; a "warm" run builds the report again
// over the same data, reusing every window; a "new-events" run follows
// what a month's sync brings to the items opened in October
// (benchstore.Sync), as a monthly job sees it: the derived tables are kept
// up for those items, October is analysed again, the five months before
// it are reused; a "newcomer" run follows the same sync made by a person
// the store did not know, whom no earlier month names, so those months are
// still reused; an "older-items" run follows the same sync plus one in 20
// of the items opened in the five months before October (1.7% of the
// items: a long-running issue moved, an old bug commented on), as a real
// month's sync also brings, which analyses every month since again; a
// "ranked-items" run follows the same sync plus one in five of the items
// of the five months before re-ranked after October (backlog grooming:
// 5% of the items), which reopens no closed month. Each
// run but "cold" starts from the report built once over the same data. It
// reports CPU seconds per run and the peak resident memory (VmHWM) as
// peak-MiB.
func BenchmarkBuildAnalyzed(b *testing.B) {
	if testing.Short() {
		b.Skip("fills a store of 2M events")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, b.TempDir()+"/bench.duckdb")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := benchstore.Fill(ctx, st.DB(), 1); err != nil {
		b.Fatal(err)
	}
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	from := to.AddDate(0, -1, 0) // the report's window: October
	now := to.Add(36 * time.Hour)
	cfg := &config.Config{}
	analysed := 0 // windows analysed again rather than reused
	version := "" // the data version, read once per report as the report command does
	ensure := func(ctx context.Context, wFrom, wTo time.Time) error {
		if version == "" {
			var ends []time.Time // as the report command does
			for _, w := range reports.AnalysedWindows(from, to) {
				ends = append(ends, w.From, w.To)
			}
			v, err := analysis.DataVersion(ctx, st, ends...)
			if err != nil {
				return err
			}
			version = v
		}
		run, err := analysis.Ensure(ctx, st, analysis.Options{Env: analysis.Env{From: wFrom, To: wTo, Now: now,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, ConfigHash: analysis.Hash(cfg), DataVersion: version})
		if !run.Cached {
			analysed++
		}
		return err
	}
	opts := reports.Options{From: from, To: to, Period: "2026-10", Now: now, Analyze: ensure}
	// cold: every analysis out of date, as after a sync; warm: the
	// report built again over the same data (every window reused).
	added := 0
	for _, run := range []string{"cold", "warm", "new-events", "newcomer", "older-items", "ranked-items"} {
		b.Run(run, func(b *testing.B) {
			var rep *reports.Report
			if run != "cold" { // the report as an earlier run left it
				version = ""
				if rep, err = reports.Build(ctx, st, opts); err != nil {
					b.Fatal(err)
				}
			}
			analysed = 0
			cpu0 := benchstore.CPUSeconds()
			for b.Loop() {
				switch run {
				case "cold":
					if _, err := st.DB().ExecContext(ctx, `DELETE FROM runs; DROP TABLE IF EXISTS derived_builds; DROP TABLE IF EXISTS trend_baselines`); err != nil {
						b.Fatal(err)
					}
				case "new-events", "newcomer", "older-items", "ranked-items":
					// what a month's sync brings to October's items (7%)
					added++
					if err := benchstore.Sync(ctx, st.DB(), added, to.AddDate(0, -1, 0), to.AddDate(0, 0, -1), run == "newcomer"); err != nil {
						b.Fatal(err)
					}
					if run == "older-items" {
						if err := benchstore.SyncOlder(ctx, st.DB(), added, to.AddDate(0, -6, 0), to.AddDate(0, -1, 0), 20); err != nil {
							b.Fatal(err)
						}
					}
					if run == "ranked-items" {
						if err := benchstore.Rerank(ctx, st.DB(), added, to.AddDate(0, -6, 0), to.AddDate(0, -1, 0), to.Add(12*time.Hour), 5); err != nil {
							b.Fatal(err)
						}
					}
				}
				version = ""
				if rep, err = reports.Build(ctx, st, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((benchstore.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(len(rep.Findings)), "findings")
			b.ReportMetric(float64(analysed)/float64(b.N), "analysed/op")
			b.ReportMetric(benchstore.PeakMiB(), "peak-MiB")
		})
	}
}
