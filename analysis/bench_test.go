package analysis_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// BenchmarkAnalyze runs every module over a window of a store filled by
// SQL generators (not through the connectors): at 2M events (the headline:
// 100,000 items, 70,000 Jira issues and 30,000 pull requests over a year,
// 20 teams of 25 people) and at 0.5M, 1M and 4M. Windows: 90 days in UTC
// (the fixed-offset path of work_hours), in Europe/Berlin (tabulated
// daylight-saving offsets) and a year. "cold" forgets the stable derived
// tables before each run (the first analysis after a sync); the others
// reuse them as the later analyses of the same data do. It reports CPU
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
		{"2M", 1, []string{"UTC", "Europe-Berlin", "year", "UTC-cold", "year-cold"}},
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
	var sum analysis.Summary
	var err error
	if !cold { // the stable tables of an earlier analysis of the same data
		if _, err := analysis.Analyze(ctx, st, opts); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := cpuSeconds()
	for b.Loop() {
		if cold {
			if _, err := st.DB().ExecContext(ctx, "DELETE FROM derived_builds"); err != nil {
				b.Fatal(err)
			}
		}
		if sum, err = analysis.Analyze(ctx, st, opts); err != nil {
			b.Fatal(err)
		}
	}
	// CPU seconds per run show the cost apart from other load on the machine.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(len(sum.Findings)), "findings")
	b.ReportMetric(float64(sum.Metrics), "metrics")
	b.ReportMetric(peakMiB(), "peak-MiB")
}

// cpuSeconds is the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// peakMiB reads the process's peak resident set size (Linux only; 0
// elsewhere).
func peakMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

var benchStart = time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)

// benchFill builds the benchmark store at scale s of the headline 2M
// events (s=1: 70,000 issues, 30,000 pull requests over a year). Issue i
// is created i*8/s minutes after the start, moves To Do -> In Progress ->
// In Review and back a few times over 25 status and assignee events an
// hour or more apart, and 90% end Done. Pull request j gets 1.5 review
// requests, 2 reviews and 8 timeline events on average. Smaller and larger
// scales keep the year and the 20 teams of 25 people and change the
// density.
func benchFill(s float64) []string {
	n := func(base int) string { return strconv.Itoa(int(float64(base) * s)) }
	r := strings.NewReplacer(
		"{issues}", n(70000), "{issue_events}", n(1750000), "{prs}", n(30000), "{requests}", n(45000),
		"{reviews}", n(60000), "{pr_events}", n(250000),
		"{issue_min}", strconv.FormatFloat(8/s, 'g', -1, 64), "{pr_min}", strconv.FormatFloat(17/s, 'g', -1, 64))
	out := make([]string, len(benchFillSQL))
	for i, q := range benchFillSQL {
		out[i] = r.Replace(q)
	}
	return out
}

var benchFillSQL = []string{
	`INSERT INTO teams SELECT 't' || i FROM range(20) r(i)`,
	`INSERT INTO people SELECT 'p' || i, 'Person ' || i, NULL, false FROM range(500) r(i)`,
	`INSERT INTO team_members SELECT 't' || (i % 20), 'p' || i, NULL, NULL FROM range(500) r(i)`,
	`INSERT INTO identities SELECT s || '/' || i, s, i::TEXT, 'p' || i, NULL, 'Person ' || i, false, true, 'p' || i
	FROM range(500) r(i), (VALUES ('jira'), ('gh')) v(s)`,
	`INSERT INTO team_ownership SELECT 't' || i, NULL, 'project', 'P' || i FROM range(20) r(i)`,
	`INSERT INTO team_ownership SELECT 't' || i, NULL, 'repo', 'acme/r' || i FROM range(20) r(i)`,
	`INSERT INTO statuses VALUES ('jira', '1', 'To Do', 'new'), ('jira', '3', 'In Progress', 'indeterminate'),
	('jira', '4', 'In Review', 'indeterminate'), ('jira', '5', 'Blocked', 'indeterminate'), ('jira', '6', 'Done', 'done')`,
	`INSERT INTO items SELECT 'jira:' || i, 'jira', 'issue', 'P' || (i % 20) || '-' || i, 'P' || (i % 20), 'Issue ' || i,
	'Story', CASE WHEN i % 10 = 0 THEN 'In Progress' ELSE 'Done' END,
	CASE WHEN i % 10 = 0 THEN 'indeterminate' ELSE 'done' END, 'Medium', 'jira/' || (i % 500), 'jira/' || ((i + 7) % 500),
	't' || (i % 20), NULL, NULL, 3, [], [], NULL,
	TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT), TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT) + to_hours(60),
	CASE WHEN i % 10 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT) + to_hours(25 * 3 + (i % 50)) END,
	'https://jira.test/browse/P' || (i % 20) || '-' || i
	FROM range({issues}) r(i)`,
	`INSERT INTO item_events SELECT 'jira:' || e, 'jira:' || i,
	TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT) + to_hours(k * 3 + (i % 50) * (k = 24)::INT),
	'jira/' || (i % 500),
	CASE WHEN k % 6 = 5 THEN 'assignee' ELSE 'status' END, NULL,
	CASE WHEN k % 6 = 5 THEN 'Person ' || (i % 500) WHEN k = 0 THEN 'To Do' WHEN k % 2 = 1 THEN 'In Progress' ELSE 'In Review' END,
	CASE WHEN k % 6 = 5 THEN 'Person ' || ((i + k) % 500) WHEN k = 24 AND i % 10 <> 0 THEN 'Done'
		WHEN k % 2 = 0 THEN 'In Progress' ELSE 'In Review' END,
	CASE WHEN k % 6 = 5 THEN ((i + k - 6) % 500)::TEXT END,
	CASE WHEN k % 6 = 5 THEN ((i + k) % 500)::TEXT END
	FROM (SELECT e, e // 25 AS i, e % 25 AS k FROM range({issue_events}) r(e))`,
	`INSERT INTO items SELECT 'gh:acme/r' || (j % 20) || '#' || j, 'gh', 'pull_request', 'acme/r' || (j % 20) || '#' || j,
	'acme/r' || (j % 20), 'PR ' || j, NULL, CASE WHEN j % 20 = 0 THEN 'open' ELSE 'merged' END,
	CASE WHEN j % 20 = 0 THEN 'indeterminate' ELSE 'done' END, NULL, NULL, 'gh/' || (j % 500), 't' || (j % 20),
	NULL, NULL, NULL, [], [], NULL, TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT), NULL,
	CASE WHEN j % 20 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(30) END,
	'https://github.test/acme/r' || (j % 20) || '/pull/' || j
	FROM range({prs}) r(j)`,
	`INSERT INTO pull_requests SELECT 'gh:acme/r' || (j % 20) || '#' || j, 'acme/r' || (j % 20), j, 'gh/' || (j % 500), false,
	TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT), NULL,
	CASE WHEN j % 20 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(30) END,
	CASE WHEN j % 20 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(30) END,
	'gh/' || (j % 500), 10, 5, 2, 1, 'main'
	FROM range({prs}) r(j)`,
	`INSERT INTO review_requests SELECT 'gh:ev:rq' || x, 'gh:acme/r' || (j % 20) || '#' || j,
	'gh/' || ((j % 20) + 20 * ((j + x) % 25)), NULL, TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_minutes(x % 2),
	NULL, 'gh/' || (j % 500)
	FROM (SELECT x, x * 2 // 3 AS j FROM range({requests}) r(x))`,
	`INSERT INTO reviews SELECT 'gh:' || x, 'gh:acme/r' || (j % 20) || '#' || j, 'gh/' || ((j % 20) + 20 * ((j + x) % 25)),
	CASE WHEN x % 3 = 0 THEN 'COMMENTED' ELSE 'APPROVED' END,
	TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(2 + x % 20)
	FROM (SELECT x, x // 2 AS j FROM range({reviews}) r(x))`,
	`INSERT INTO item_events SELECT 'gh:ev:' || e, 'gh:acme/r' || (j % 20) || '#' || j,
	TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(e % 8), 'gh/' || (j % 500),
	['labeled', 'assigned', 'review_requested', 'labeled', 'unlabeled', 'assigned', 'ready_for_review', 'merged'][e % 8 + 1],
	NULL, NULL, 'x', NULL, NULL
	FROM (SELECT e, e // 8 AS j FROM range({pr_events}) r(e))`,
}
