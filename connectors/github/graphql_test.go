package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// sizeless hashes every table like contentHash, with the PR size columns
// left out: the REST listing has no sizes, GraphQL has them.
func sizeless(t testing.TB, st *store.Store) map[string]string {
	t.Helper()
	for i := range hashedTables {
		if hashedTables[i].name == "pull_requests" {
			saved := hashedTables[i].exclude
			hashedTables[i].exclude = "EXCLUDE (additions, deletions, changed_files, commits)"
			defer func() { hashedTables[i].exclude = saved }()
		}
	}
	return contentHash(t, st)
}

func syncWith(t testing.TB, cfg config.Source) (*store.Store, connectors.Stats) {
	t.Helper()
	st := openStore(t, "")
	stats, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{})
	if err != nil {
		t.Fatalf("%s sync: %v", cfg.API, err)
	}
	return st, stats
}

// TestGraphQLEqualsREST: a GraphQL sync stores what a REST sync of the same
// data stores, sizes aside, and the sizes are filled.
func TestGraphQLEqualsREST(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api", "acme/web"}, prs: 130, maxReviews: 120, seed: 31})
	srv := startServer(t, dir, githubtest.Options{})
	rest, _ := syncWith(t, sourceConfig(srv.URL, "acme/api", "acme/web"))
	gql, _ := syncWith(t, gqlConfig(srv.URL, "acme/api", "acme/web"))
	if diff := cmp.Diff(sizeless(t, rest), sizeless(t, gql)); diff != "" {
		t.Errorf("GraphQL store differs from REST (-rest +graphql):\n%s", diff)
	}
	if n := count(t, gql, `SELECT count(*) FROM pull_requests WHERE additions IS NULL OR deletions IS NULL OR changed_files IS NULL OR commits IS NULL`); n != 0 {
		t.Errorf("%d PRs without sizes after a GraphQL sync", n)
	}
	if n := count(t, gql, `SELECT count(*) FROM reviews WHERE item_id = 'gh:acme/api#1'`); n != 120 {
		t.Errorf("PR 1 has %d reviews, want 120 (the overflow is fetched)", n)
	}
}

// TestGraphQLRealData: the DevLake and PyGithub recordings give the same
// store through GraphQL as through REST, except that GraphQL knows who
// merged a PR even when the merged event is not in the listing (PyGithub's
// recording holds none for its PRs): merged_by_id is compared apart.
func TestGraphQLRealData(t *testing.T) {
	for _, d := range []struct {
		name string
		dir  func(testing.TB) (string, string)
	}{{"devlake", devlakeDir}, {"pygithub", pygithubDir}} {
		t.Run(d.name, func(t *testing.T) {
			dir, repo := d.dir(t)
			srv := startServer(t, dir, githubtest.Options{})
			rest, _ := syncWith(t, sourceConfig(srv.URL, repo))
			gql, _ := syncWith(t, gqlConfig(srv.URL, repo))
			for _, st := range []*store.Store{rest, gql} {
				if _, err := st.DB().Exec(`CREATE TABLE merged_by AS SELECT item_id, merged_by_id FROM pull_requests;
					UPDATE pull_requests SET merged_by_id = NULL`); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(sizeless(t, rest), sizeless(t, gql)); diff != "" {
				t.Errorf("GraphQL store differs from REST (-rest +graphql):\n%s", diff)
			}
			restBy := count(t, rest, `SELECT count(*) FROM merged_by WHERE merged_by_id IS NOT NULL`)
			gqlBy := count(t, gql, `SELECT count(*) FROM merged_by WHERE merged_by_id IS NOT NULL`)
			merged := count(t, gql, `SELECT count(*) FROM pull_requests WHERE merged_at IS NOT NULL`)
			// DevLake recorded list payloads, which have no merged_by.
			if gqlBy < restBy {
				t.Errorf("merged_by known for %d of %d merged PRs through GraphQL (REST: %d)", gqlBy, merged, restBy)
			}
			t.Logf("merged_by known: REST %d, GraphQL %d of %d merged", restBy, gqlBy, merged)
		})
	}
}

// TestGraphQLUnchangedResync: a second sync of unchanged repositories
// costs one query each.
func TestGraphQLUnchangedResync(t *testing.T) {
	repos := []string{"acme/api", "acme/web", "acme/ops"}
	dir := generate(t, genOptions{repos: repos, prs: 150, maxReviews: 3, seed: 32})
	srv := startServer(t, dir, githubtest.Options{})
	st := openStore(t, "")
	cfg := gqlConfig(srv.URL, repos...)
	if _, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	before := contentHash(t, st)
	srv.ResetCounters()
	if _, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	if q := srv.Queries(); q > len(repos) {
		t.Errorf("unchanged re-sync sent %d queries for %d repositories, want at most one each", q, len(repos))
	}
	t.Logf("unchanged re-sync: %d queries, %d points, %d REST requests (%d charged)", srv.Queries(), srv.Points(), srv.Total()-srv.Queries(), srv.Charged())
	if diff := cmp.Diff(before, contentHash(t, st)); diff != "" {
		t.Errorf("re-sync changed the store (-before +after):\n%s", diff)
	}
}

// TestGraphQLFaults: each fault REST survives, on the GraphQL endpoint,
// ends with the data of a clean sync.
func TestGraphQLFaults(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 260, maxReviews: 150, seed: 33})
	srv0 := startServer(t, dir, githubtest.Options{})
	clean, _ := syncWith(t, gqlConfig(srv0.URL, "acme/api"))
	want := contentHash(t, clean)
	cases := []struct {
		name   string
		faults []githubtest.Fault
	}{
		{"429 with Retry-After", []githubtest.Fault{{Path: "/graphql", Nth: 2, Status: 429, RetryAfter: "1"}}},
		{"500", []githubtest.Fault{{Path: "/graphql", Nth: 2, Status: 500}, {Path: "/graphql", Nth: 3, Status: 503}}},
		{"error object with 200", []githubtest.Fault{{Path: "/graphql", Nth: 3, GraphQLError: "INTERNAL"}}},
		{"502 on large pages", []githubtest.Fault{{Path: "/graphql", Status: 502, MinFirst: 25}}},
		{"504 once", []githubtest.Fault{{Path: "/graphql", Nth: 1, Status: 504}}},
		{"HTML 200", []githubtest.Fault{{Path: "/graphql", Nth: 2, Mangle: githubtest.MangleHTML}}},
		{"nulls", []githubtest.Fault{{Path: "/graphql", Nth: 2, Mangle: githubtest.MangleNulls}}},
		{"garbage dates", []githubtest.Fault{{Path: "/graphql", Nth: 3, Mangle: githubtest.MangleDates}}},
		{"truncated", []githubtest.Fault{{Path: "/graphql", Nth: 1, Mangle: githubtest.MangleTruncated}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := startServer(t, dir, githubtest.Options{Faults: c.faults})
			st, _ := syncWith(t, gqlConfig(srv.URL, "acme/api"))
			if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
				t.Errorf("differs from a clean sync (-want +got):\n%s", diff)
			}
			t.Logf("%d queries, %d points", srv.Queries(), srv.Points())
		})
	}
}

// TestGraphQLRateLimited: a RATE_LIMITED reply (points spent) waits for the
// reset and goes on; a reset beyond the longest wait stops with ErrPartial,
// and the next run completes the data.
func TestGraphQLRateLimited(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 250, maxReviews: 3, seed: 34})
	srv0 := startServer(t, dir, githubtest.Options{})
	clean, _ := syncWith(t, gqlConfig(srv0.URL, "acme/api"))
	want := contentHash(t, clean)

	srv := startServer(t, dir, githubtest.Options{PointLimit: 100})
	srv.SetPointBudget(99, 2*time.Second) // 1 point left, reset in 2s
	st, _ := syncWith(t, gqlConfig(srv.URL, "acme/api"))
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("after waiting for the reset (-want +got):\n%s", diff)
	}

	srv = startServer(t, dir, githubtest.Options{PointLimit: 6}) // one page a window
	srv.SetPointBudget(0, time.Hour)
	st = openStore(t, "")
	cfg := gqlConfig(srv.URL, "acme/api")
	_, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{})
	if err == nil || !errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("err = %v, want ErrPartial (points spent, reset an hour away)", err)
	}
	for i := 0; i < 5; i++ { // the window turns between runs
		srv.SetPointBudget(0, time.Hour)
		if _, err = syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("resumed runs differ from a clean sync (-want +got):\n%s", diff)
	}
}

func TestGraphQLCost(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 5, seed: 35})
	srv := startServer(t, dir, githubtest.Options{})
	syncWith(t, gqlConfig(srv.URL, "acme/api"))
	// One page of 100 PRs with four nested connections: 1 + 4 x 100 requests = 4 points.
	if q, p := srv.Queries(), srv.Points(); q != 1 || p != 4 {
		t.Errorf("%d queries, %d points; want 1 query of 4 points", q, p)
	}
}

// acceptanceData is issue 13's GraphQL scale case: 1,000 PRs with up to 50
// reviews and about 100 timeline events each, the first with 300 reviews
// (it overflows the first page twice).
func acceptanceData(tb testing.TB) string {
	return generate(tb, genOptions{repos: []string{"acme/big"}, prs: 1000, maxReviews: 300, seed: 36,
		reviewsUpTo: 50, eventsUpTo: 100})
}

// TestGraphQLQueriesPerPR: at most 0.03 queries and 0.05 points per PR.
func TestGraphQLQueriesPerPR(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 PRs")
	}
	srv := startServer(t, acceptanceData(t), githubtest.Options{})
	st, stats := syncWith(t, gqlConfig(srv.URL, "acme/big"))
	q, p := float64(srv.Queries())/1000, float64(srv.Points())/1000
	t.Logf("1,000 PRs: %d queries (%.3f/PR), %d points (%.3f/PR); %d REST requests; stats: %+v",
		srv.Queries(), q, srv.Points(), p, srv.Total()-srv.Queries(), stats)
	if q > 0.03 || p > 0.05 {
		t.Errorf("%.3f queries and %.3f points per PR, want at most 0.03 and 0.05", q, p)
	}
	if n := count(t, st, `SELECT count(*) FROM reviews WHERE item_id = 'gh:acme/big#1'`); n != 300 {
		t.Errorf("PR 1 has %d reviews, want 300", n)
	}
	if n := count(t, st, `SELECT max(c) FROM (SELECT count(*) c FROM item_events WHERE kind IN ('labeled', 'unlabeled') GROUP BY item_id)`); n < 80 {
		t.Errorf("the busiest PR has %d label events; the dataset is meant to reach about 100", n)
	}
}

// BenchmarkAPISync: full syncs of the acceptance data through GraphQL and
// through REST, with what each spends per PR.
func BenchmarkAPISync(b *testing.B) {
	dir := acceptanceData(b)
	for _, cfgOf := range []func(string, ...string) config.Source{gqlConfig, sourceConfig} {
		srv := startServer(b, dir, githubtest.Options{Limit: 1 << 30, PointLimit: 1 << 30})
		cfg := cfgOf(srv.URL, "acme/big")
		b.Run(cfg.API, func(b *testing.B) {
			srv.ResetCounters()
			var elapsed time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := openStore(b, "")
				b.StartTimer()
				start := time.Now()
				if _, err := syncOnce(context.Background(), b, cfg, st, connectors.Options{Full: true}); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				b.StopTimer()
				st.Close()
				b.StartTimer()
			}
			prs := float64(1000 * b.N)
			b.ReportMetric(prs/elapsed.Seconds(), "PRs/s")
			b.ReportMetric(float64(srv.Queries())/prs, "queries/PR")
			b.ReportMetric(float64(srv.Points())/prs, "points/PR")
			b.ReportMetric(float64(srv.Total()-srv.Queries())/prs, "REST/PR")
		})
	}
}

// TestGraphQLMalformedFailsThenRepairs: a GraphQL endpoint that keeps
// answering an HTML page fails the source naming the operation and the
// fault; the next run, fault gone, ends with the clean data.
func TestGraphQLMalformedFailsThenRepairs(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 250, maxReviews: 3, seed: 37})
	srv0 := startServer(t, dir, githubtest.Options{})
	clean, _ := syncWith(t, gqlConfig(srv0.URL, "acme/api"))
	want := contentHash(t, clean)
	srv := startServer(t, dir, githubtest.Options{})
	for i := 2; i < 2+malformedTries; i++ { // page 1 stored, page 2 never
		srv.AddFault(githubtest.Fault{Path: "/graphql", Nth: i, Mangle: githubtest.MangleHTML})
	}
	st := openStore(t, "")
	cfg := gqlConfig(srv.URL, "acme/api")
	_, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{})
	if err == nil {
		t.Fatal("sync succeeded though GraphQL kept answering HTML")
	}
	for _, s := range []string{"github source gh", "GraphQL PullRequests of acme/api", "HTML page with status 200; a proxy in between?"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	srv.ClearFaults()
	if _, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("the next sync did not repair the store (-want +got):\n%s", diff)
	}
}

// TestGraphQLMissingFallsBackToREST: with api left out, a server without
// a GraphQL endpoint (older GitHub Enterprise Server) is read through REST.
func TestGraphQLMissingFallsBackToREST(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 20, seed: 38})
	want := reference(t, dir, "acme/api")
	srv := startServer(t, dir, githubtest.Options{Faults: []githubtest.Fault{{Path: "/graphql", Status: 404}}})
	cfg := sourceConfig(srv.URL, "acme/api")
	cfg.API = ""
	st, _ := syncWith(t, cfg)
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("fallback differs from a REST sync (-want +got):\n%s", diff)
	}
	if srv.Requests("/graphql") != 1 {
		t.Errorf("/graphql asked %d times, want once (the probe)", srv.Requests("/graphql"))
	}
}

// TestGraphQLRetriesWithinMaxWait: GraphQL's retries of a transient fault
// stop within the run's --max-wait, as the REST client's do. A GraphQL
// endpoint that always answers 500 is tried 3 times under a 3 ms budget
// (the tests' backoff waits 1 ms, 2 ms, then 4 ms would pass it) and 5
// times, the most, under the default one.
func TestGraphQLRetriesWithinMaxWait(t *testing.T) {
	for _, tc := range []struct {
		maxWait time.Duration
		tries   int
	}{{3 * time.Millisecond, 3}, {0, malformedTries}} {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/graphql" {
				n.Add(1)
			}
			w.WriteHeader(http.StatusInternalServerError)
		}))
		st := openStore(t, "")
		_, err := syncOnce(context.Background(), t, gqlConfig(srv.URL, "acme/api"), st, connectors.Options{MaxWait: tc.maxWait})
		srv.Close()
		want := fmt.Sprintf("(%d tries)", tc.tries)
		if err == nil || !strings.Contains(err.Error(), want) || n.Load() != int64(tc.tries) {
			t.Errorf("--max-wait %v: %d GraphQL requests, error %v; want %d and %q", tc.maxWait, n.Load(), err, tc.tries, want)
		}
	}
}
