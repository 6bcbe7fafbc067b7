package analysis_test

import (
	"context"
	"math"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
)

// TestReviewBySize: the synthetic organisation's pull requests carry
// sizes (synced through GraphQL), and each band's pickup median equals a
// direct median over the same pull requests.
func TestReviewBySize(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and syncs the default organisation")
	}
	env, _, _ := syncedOrg(t)
	m, err := analysis.Lookup("pr_size")
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	bands := 0
	for _, x := range res.Metrics {
		if x.Metric != "review_pickup_by_size_p50_hours" {
			continue
		}
		bands++
		lo, hi := bandBounds(t, x.Scope)
		var want float64
		if err := env.DB.QueryRow(`SELECT median(ph.pickup_work_hours) FROM v_pr_phases ph JOIN pull_requests p USING (item_id)
WHERE ph.ready_at >= ? AND ph.ready_at < ? AND p.additions IS NOT NULL AND NOT ph.author_bot
	AND p.additions + coalesce(p.deletions, 0) >= ? AND (? = 0 OR p.additions + coalesce(p.deletions, 0) < ?)`,
			env.From, env.To, lo, hi, hi).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if math.Abs(want-x.Value) > 0.01 {
			t.Errorf("%s: pickup median %v, direct %v", x.Scope, x.Value, want)
		}
	}
	if bands < 2 {
		t.Errorf("pickup measured in %d size bands; the organisation's pull requests have sizes in several", bands)
	}
}

func bandBounds(t *testing.T, name string) (int, int) {
	lo := 0
	for _, b := range analysis.SizeBands {
		if b.Name == name {
			return lo, b.Below
		}
		lo = b.Below
	}
	t.Fatalf("no band %q", name)
	return 0, 0
}
