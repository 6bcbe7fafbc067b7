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

// requestCases are the acceptance datasets for requests per 1,000 issues:
// every fifth issue with a long history (spread over the search pages, the
// worst case for batching changelog calls), on Cloud beyond its 40
// embedded histories, on Data Center within its 100.
var requestCases = []struct {
	name  string
	spec  genSpec
	limit float64 // requests per 1,000 issues
}{
	{"cloud short histories", genSpec{Histories: 10, Cloud: true, Seed: 11}, 15},
	{"cloud 1000 issues of 150 histories", genSpec{Histories: 10, LongEvery: 5, LongHistories: 150, Cloud: true, Seed: 11}, 15},
	{"datacenter 1000 issues of 100 histories", genSpec{Histories: 10, LongEvery: 5, LongHistories: 100, Seed: 11}, 12},
}

// TestRequestsPerThousandIssues measures how many requests a first sync
// makes per 1,000 issues: search pages of 100, changelog completion, and a
// fixed handful per sync (serverInfo, myself, fields, statuses, boards and
// their sprints, and on Cloud the approximate count), which the 5,000
// issues of the full run spread thin.
func TestRequestsPerThousandIssues(t *testing.T) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	for _, tc := range requestCases {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.Issues = n
			dir := writeDataset(t, t.TempDir(), spec)
			srv := startServer(t, dir, jiratest.Options{})
			st := openStore(t)
			stats := runSync(t, st, testConfig(srv.URL, "PLAT", "APP"), testOptions(t))
			per := float64(stats.Requests) * 1000 / float64(n)
			t.Logf("%d issues, %d requests, %.1f per 1,000 issues (%v)", n, stats.Requests, per, srv.Requests())
			if n >= 5000 && per > tc.limit {
				t.Errorf("%.1f requests per 1,000 issues, want at most %v", per, tc.limit)
			}
		})
	}
}

// BenchmarkSyncRequests runs the acceptance datasets (5,000 issues) and
// reports requests per 1,000 issues beside CPU and wall time.
func BenchmarkSyncRequests(b *testing.B) {
	for _, tc := range requestCases {
		b.Run(tc.name, func(b *testing.B) {
			spec := tc.spec
			spec.Issues = 5000
			dir := writeDataset(b, b.TempDir(), spec)
			srv, err := jiratest.New(dir, jiratest.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			cfg := testConfig(srv.URL, "PLAT", "APP")
			opts := connectors.Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return fixedNow }}
			var requests, items int
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				st := openStore(b)
				src, _ := New(cfg)
				before := cpuTime()
				b.StartTimer()
				stats, err := src.Sync(context.Background(), st, opts)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - before
				requests, items = requests+stats.Requests, items+stats.Items
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(requests)*1000/float64(items), "requests/1000issues")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
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
