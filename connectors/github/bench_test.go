package github

import (
	"context"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
)

// BenchmarkSync measures full syncs of 1,000 PRs (4 repositories of 250,
// with reviews, review requests, events, issues and comments) from the fake
// server into an in-memory store, reporting PRs per second.
func BenchmarkSync(b *testing.B) {
	repos := []string{"acme/api", "acme/web", "acme/ops", "acme/lib"}
	dir := generate(b, genOptions{repos: repos, prs: 250, maxReviews: 3, seed: 10})
	srv := startServer(b, dir, githubtest.Options{Limit: 1 << 30})
	cfg := sourceConfig(srv.URL, repos...)
	var elapsed time.Duration
	prs := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := openStore(b, "")
		b.StartTimer()
		start := time.Now()
		if _, err := syncOnce(context.Background(), b, cfg, st, connectors.Options{Full: true}); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		prs += 1000
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(prs)/elapsed.Seconds(), "PRs/s")
	b.ReportMetric(float64(srv.Total())/float64(prs), "requests/PR")
}
