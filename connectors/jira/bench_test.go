package jira

import (
	"context"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
)

// TestRequestsPerThousandIssues measures how many requests a first sync
// makes per 1,000 issues (histories within the embedded changelog cap of
// 100, so none needs paging): search pages of 100 plus a fixed handful
// (serverInfo, fields, statuses, approximate count, boards, sprints).
func TestRequestsPerThousandIssues(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	for _, cloud := range []bool{true, false} {
		dir := writeDataset(t, t.TempDir(), genSpec{Issues: n, Histories: 10, Cloud: cloud, Seed: 11})
		srv := startServer(t, dir, jiratest.Options{})
		st := openStore(t)
		stats := runSync(t, st, testConfig(srv.URL, "PLAT", "APP"), testOptions(t))
		per := float64(stats.Requests) * 1000 / float64(n)
		t.Logf("cloud=%v: %d issues, %d requests, %.1f per 1,000 issues (%v)", cloud, n, stats.Requests, per, srv.Requests())
		if n >= 5000 && per > 12 {
			t.Errorf("%.1f requests per 1,000 issues, want at most 12", per)
		}
	}
}

// BenchmarkSync measures issues parsed and stored per second from the fake
// server, with 20 history entries per issue.
func BenchmarkSync(b *testing.B) {
	const issues = 2000
	dir := writeDataset(b, b.TempDir(), genSpec{Issues: issues, Histories: 20, Cloud: true, Seed: 13})
	srv, err := jiratest.New(dir, jiratest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	cfg := testConfig(srv.URL, "PLAT", "APP")
	opts := connectors.Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return fixedNow }}
	b.ResetTimer()
	var total int
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		st := openStore(b)
		src, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		before := cpuTime()
		b.StartTimer()
		stats, err := src.Sync(context.Background(), st, opts)
		if err != nil {
			b.Fatal(err)
		}
		total += stats.Items
		b.StopTimer()
		cpu += cpuTime() - before
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "issues/s")
	// On a shared machine wall time depends on the neighbours; CPU time
	// (this process: connector, store and the in-process fake server) does
	// not. Two dedicated cores give at least issues/cpu-s.
	b.ReportMetric(float64(total)/cpu.Seconds(), "issues/cpu-s")
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
