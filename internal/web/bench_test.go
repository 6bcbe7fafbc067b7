package web_test

import (
	"context"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/web"
)

var (
	benchFrom = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	benchTo   = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

// benchStore writes a store of n items over a year, six teams and 120
// people, the derived facts prepared, and an analysis of October 2026
// with 600 findings (as many as a large organisation's month may hold).
func benchStore(b *testing.B, n int) string {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "systemic.duckdb")
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	teams := `['growth', 'platform', 'mobile', 'web', 'data', 'payments']`
	patterns := `['approval_bottleneck', 'stalled_commitment', 'dependency_delay', 'decision_latency', 'handoff_churn', 'silo', 'wip_overload']`
	for _, q := range []string{
		`INSERT INTO sources VALUES ('acme-jira', 'jira', 'https://acme.atlassian.net', TIMESTAMPTZ '2026-11-01 00:00:00+00', 'ok', NULL)`,
		`INSERT INTO people SELECT 'user-' || range, 'Person ' || range, 'p' || range || '@acme.example', false FROM range(120)`,
		`INSERT INTO teams SELECT unnest(` + teams + `)`,
		`INSERT INTO items (item_id, source, kind, key, container, title, status, status_category, team, assignee_id, created_at, resolved_at, url)
SELECT 'acme-jira:' || i, 'acme-jira', 'issue', 'P-' || i, 'P', 'Item ' || i, 'Done', cat, (` + teams + `)[1 + i % 6], 'user-' || (i % 120),
	created, CASE WHEN cat = 'done' THEN created + INTERVAL 9 DAY END, 'https://acme.atlassian.net/browse/P-' || i
FROM (SELECT range AS i, CASE WHEN range % 5 = 0 THEN 'indeterminate' ELSE 'done' END AS cat,
	TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(CAST(range * 525600 / ` + itoa(n) + ` AS BIGINT)) AS created FROM range(` + itoa(n) + `))`,
		`INSERT INTO item_events SELECT 'e' || range, 'acme-jira:' || (range % ` + itoa(n) + `), TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(range * 2),
	'user-' || (range % 120), 'status', 'status', 'To Do', 'In Progress', NULL, NULL FROM range(` + itoa(2*n) + `)`,
		`INSERT INTO runs (run_id, started_at, finished_at, from_ts, to_ts, config_hash) VALUES ('2026-10-01..2026-11-01',
	TIMESTAMPTZ '2026-11-01 00:00:00+00', NULL, TIMESTAMPTZ '2026-10-01 00:00:00+00', TIMESTAMPTZ '2026-11-01 00:00:00+00', 'h')`,
		`INSERT INTO findings SELECT '2026-10-01..2026-11-01', (` + patterns + `)[1 + range % 7], CASE range % 3 WHEN 0 THEN 'critical' WHEN 1 THEN 'warn' ELSE 'info' END,
	(` + teams + `)[1 + range % 6], 'person', 'user-' || (range % 120), (range % 100) / 100.0, 'finding ' || range || ' of the month',
	'{"values": {"waits": 8, "median_work_hours": 31.5}, "items": [{"key": "P-1", "value": 3}, {"key": "P-2", "value": 5}], "people": ["user-1"]}' FROM range(600)`,
		`INSERT INTO metrics SELECT '2026-10-01..2026-11-01', 'team', (` + teams + `)[1 + range % 6], 'throughput', 'all', range, range FROM range(600)`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	if err := analysis.Prepare(ctx, st.DB(), &analysis.Env{From: benchFrom, To: benchTo, Now: benchTo}); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkFindingsPage serves the findings page of one month of a store
// of 100,000 items, filtered by a different team, pattern or severity on
// each request. Writing the pseudonymised copy at start (start-s) and the
// first request, which builds the month's report model (first-s), are
// reported apart; the other requests read the model built for the view,
// as a running server does until the store changes. It reports the
// median and P90 of a request.
func BenchmarkFindingsPage(b *testing.B) {
	if testing.Short() {
		b.Skip("fills a store of 100k items")
	}
	path := benchStore(b, 100_000)
	src := &live.Source{Path: path}
	defer src.Close()
	s, err := web.New(web.Options{Source: src, Now: func() time.Time { return benchTo }})
	if err != nil {
		b.Fatal(err)
	}
	urls := []string{"/findings?period=2026-10", "/findings?period=2026-10&team=growth", "/findings?period=2026-10&pattern=silo",
		"/findings?period=2026-10&severity=critical&layer=interaction", "/findings?period=2026-10&team=data&pattern=approval_bottleneck"}
	serve := func(u string) time.Duration {
		start := time.Now()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d\n%s", u, rec.Code, rec.Body.String())
		}
		return time.Since(start)
	}
	// The pseudonymised copy is written when the server starts (serve
	// warms up before it listens); the first page then builds the model.
	cpu0 := benchstore.CPUSeconds()
	start := time.Now()
	if err := s.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	warm, warmCPU := time.Since(start), benchstore.CPUSeconds()-cpu0
	cpu0 = benchstore.CPUSeconds()
	cold := serve(urls[0])
	coldCPU := benchstore.CPUSeconds() - cpu0
	var took []time.Duration
	i := 0
	cpu0 = benchstore.CPUSeconds()
	for b.Loop() {
		took = append(took, serve(urls[i%len(urls)]))
		i++
	}
	b.ReportMetric((benchstore.CPUSeconds()-cpu0)/float64(len(took)), "cpu-s/op")
	// Reported after the loop: b.Loop's first call drops earlier metrics.
	b.ReportMetric(warm.Seconds(), "start-s")
	b.ReportMetric(warmCPU, "start-cpu-s")
	b.ReportMetric(cold.Seconds(), "first-s")
	b.ReportMetric(coldCPU, "first-cpu-s")
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(took[len(took)*9/10].Microseconds())/1000, "p90-ms")
}
