package analysis

import (
	"context"
	"fmt"
)

func init() {
	Register(prSize{})
	define(MetricDef{Name: "review_pickup_by_size_p50_hours", Label: "Review pickup P50 by size", Unit: WorkingHours,
		Aggregation: "median per size band",
		Definition: "ready for review to the first review of pull requests that became ready in the period, " +
			"per size band of lines changed (additions + deletions) (v_pr_phases, pull_requests)"})
	define(MetricDef{Name: "review_time_by_size_p50_hours", Label: "Review to approval P50 by size", Unit: WorkingHours,
		Aggregation: "median per size band",
		Definition: "first review to first approval of pull requests that became ready in the period, " +
			"per size band of lines changed (v_pr_phases, pull_requests)"})
}

// SizeBands name the pull request size bands by lines changed
// (additions + deletions), smallest first, with their upper bounds.
var SizeBands = []struct {
	Name  string
	Below int // lines changed below this; 0: no bound
}{
	{"XS (under 10 lines)", 10}, {"S (10-49)", 50}, {"M (50-249)", 250}, {"L (250-999)", 1000}, {"XL (1000+)", 0},
}

// prSize measures review pickup and review time per pull request size
// band across the organisation; it makes no findings. Large changes wait
// longer for a first look in most organisations: the band shows whether
// a slow pickup is about people or about the size of what they are asked
// to review.
type prSize struct{}

var _ Module = prSize{}

func (prSize) Name() string { return "pr_size" }

func (prSize) Explain() string {
	return `pr_size: review pickup (ready for review -> first review) and review time (first review -> first
approval), in working hours, per size band of lines changed (additions + deletions): XS under 10, S 10-49,
M 50-249, L 250-999, XL 1000 or more. Pull requests that became ready in the window, bots left out as
authors; a band needs min_sample (default 5) pull requests. No findings. Metrics:
review_pickup_by_size_p50_hours, review_time_by_size_p50_hours (scope_kind size_band).`
}

func (prSize) Run(ctx context.Context, env *Env) (Result, error) {
	th := WithDefaults(env.Thresholds)
	const q = `WITH s AS (
	SELECT ph.pickup_work_hours AS pickup, ph.review_work_hours AS review,
		coalesce(p.additions, 0) + coalesce(p.deletions, 0) AS lines
	FROM v_pr_phases ph JOIN pull_requests p USING (item_id)
	WHERE ph.ready_at >= $1 AND ph.ready_at < $2 AND p.additions IS NOT NULL AND NOT coalesce(ph.author_bot, false)
)
SELECT CASE WHEN lines < 10 THEN 0 WHEN lines < 50 THEN 1 WHEN lines < 250 THEN 2 WHEN lines < 1000 THEN 3 ELSE 4 END AS band,
	count(*), median(pickup), count(pickup), median(review), count(review)
FROM s GROUP BY band ORDER BY band`
	var res Result
	err := queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		var band, n, np, nr int
		var pickup, review *float64
		if err := scan(&band, &n, &pickup, &np, &review, &nr); err != nil {
			return err
		}
		name := SizeBands[band].Name
		if pickup != nil && np >= th.MinSample {
			res.Metrics = append(res.Metrics, Metric{ScopeKind: "size_band", Scope: name, Metric: "review_pickup_by_size_p50_hours",
				Period: "all", Value: round2(*pickup), N: np})
		} else {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s pickup: %s", name, plural(np, "pull request")))
		}
		if review != nil && nr >= th.MinSample {
			res.Metrics = append(res.Metrics, Metric{ScopeKind: "size_band", Scope: name, Metric: "review_time_by_size_p50_hours",
				Period: "all", Value: round2(*review), N: nr})
		}
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("review by pull request size: %w", err)
	}
	return res, nil
}
