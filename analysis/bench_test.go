package analysis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// BenchmarkAnalyze runs every module over a window of a store filled by
// SQL generators (not through the connectors): at 2M events (the headline:
// 100,000 items, 70,000 Jira issues and 30,000 pull requests over a year,
// 20 teams of 25 people) and at 0.5M, 1M and 4M. Windows: 90 days in UTC
// (the fixed-offset path of work_hours), in Europe/Berlin (tabulated
// daylight-saving offsets) and a year. "cold" forgets the stable derived
// tables before each run (the first analysis of a store, or after a
// calendar change); "new-events" runs after what a month's sync brings
// to the items opened in the window's last month (7% of them: a comment,
// and a status change on each issue; benchstore.Sync), so the stable
// tables are kept up for those items; "newcomer" after the same sync made
// by a person the store did not know (a new identity and person to keep
// up per item); "older-items" after the same sync plus one in 20 of the
// items opened in the five months before (1.7% of the items), as a real
// month's sync also touches older work, which changes the previous period
// the trend compares with; the others reuse the tables as the later
// analyses of the same data do. It reports CPU
// seconds per run and the peak resident memory of the process (VmHWM).
func BenchmarkAnalyze(b *testing.B) {
	if testing.Short() {
		b.Skip("fills a store of up to 4M events")
	}
	for _, size := range []struct {
		name  string
		scale float64
		runs  []string
	}{
		{"2M", 1, []string{"UTC", "Europe-Berlin", "year", "UTC-cold", "year-cold", "UTC-new-events", "UTC-newcomer", "UTC-older-items"}},
		{"0.5M", 0.25, []string{"UTC", "UTC-cold"}},
		{"1M", 0.5, []string{"UTC", "UTC-cold"}},
		{"4M", 2, []string{"UTC", "UTC-cold"}},
	} {
		b.Run(size.name, func(b *testing.B) {
			st := filledStore(b, size.scale)
			for _, run := range size.runs {
				b.Run(run, func(b *testing.B) { benchAnalyze(b, st, run) })
			}
		})
	}
}

func filledStore(b *testing.B, scale float64) *store.Store {
	start := time.Now()
	st := benchStore(b, scale)
	var items, events int
	st.DB().QueryRow("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM item_events)").Scan(&items, &events)
	b.Logf("filled %d items, %d events in %v", items, events, time.Since(start).Round(time.Millisecond))
	return st
}

func benchAnalyze(b *testing.B, st *store.Store, run string) {
	ctx := context.Background()
	end := benchStart.AddDate(1, 0, 0)
	opts := analysis.Options{Env: analysis.Env{From: end.AddDate(0, 0, -90), To: end, Now: end,
		Calendar: config.Calendar{Timezone: "UTC"}}}
	if strings.HasPrefix(run, "Europe-Berlin") {
		opts.Env.Calendar.Timezone = "Europe/Berlin"
	}
	if strings.HasPrefix(run, "year") {
		opts.Env.From = end.AddDate(-1, 0, 0)
	}
	cold := strings.HasSuffix(run, "-cold")
	synced := strings.HasSuffix(run, "-new-events") || strings.HasSuffix(run, "-newcomer") || strings.HasSuffix(run, "-older-items")
	var sum analysis.Summary
	var err error
	if !cold { // the stable tables of an earlier analysis of the same data
		if _, err := analysis.Analyze(ctx, st, opts); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := benchstore.CPUSeconds()
	added := 0
	for b.Loop() {
		if cold {
			if _, err := st.DB().ExecContext(ctx, "DROP TABLE IF EXISTS derived_builds; DROP TABLE IF EXISTS trend_baselines"); err != nil {
				b.Fatal(err)
			}
		}
		if synced {
			added++
			if err := benchstore.Sync(ctx, st.DB(), added, end.AddDate(0, 0, -30), end, strings.HasSuffix(run, "-newcomer")); err != nil {
				b.Fatal(err)
			}
			if strings.HasSuffix(run, "-older-items") {
				if err := benchstore.SyncOlder(ctx, st.DB(), added, end.AddDate(0, 0, -180), end.AddDate(0, 0, -30), 20); err != nil {
					b.Fatal(err)
				}
			}
		}
		if sum, err = analysis.Analyze(ctx, st, opts); err != nil {
			b.Fatal(err)
		}
	}
	// CPU seconds per run show the cost apart from other load on the machine.
	b.ReportMetric((benchstore.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(len(sum.Findings)), "findings")
	b.ReportMetric(float64(sum.Metrics), "metrics")
	b.ReportMetric(benchstore.PeakMiB(), "peak-MiB")
}

var benchStart = benchstore.Start
