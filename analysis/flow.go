package analysis

import (
	"context"
	"fmt"
	"time"
)

func init() { Register(flow{}) }

// flow computes the flow metrics underneath the patterns, per team and
// period (ISO week "2026-W41", month "2026-10" and "all" for the window);
// it makes no findings. Tracker issues (not epics, not GitHub items) count
// for lead time, cycle time, throughput and flow efficiency; pull requests
// for the review metrics.
//
//   - lead_time_p50_days, lead_time_p85_days: creation to resolution, in
//     calendar days, of the issues resolved in the period.
//   - cycle_time_p50_days, cycle_time_p85_days: first entry into a state
//     that is neither new nor done, to resolution.
//   - throughput: issues resolved (weeks and months; weeks with none are 0).
//   - wip_avg: the team's issues in progress on an average day (v_wip).
//   - flow_efficiency: of the working hours the resolved issues spent
//     between start and done, the share in active states.
//   - review_pickup_p50_hours, review_pickup_p85_hours: review request to
//     first review in working hours, by the requested reviewer's team.
//   - pr_merge_p50_hours: ready for review to merge in working hours, by
//     the pull request's team.
//
// Percentiles use gonum's empirical quantile and need Thresholds.MinSample
// values; below it the value is left out ("all" is listed as not enough
// data).
type flow struct{}

var _ Module = flow{}

func (flow) Name() string { return "flow" }

func (flow) Explain() string {
	return `flow: the flow metrics per team and period (ISO week, month, whole window); no findings.
lead time (creation -> resolution, calendar days, p50/p85), cycle time (first start -> resolution),
throughput (issues resolved per week and month), wip_avg (issues in progress on an average day),
flow_efficiency (share of the working hours between start and done spent in active states),
review_pickup (request -> first review, working hours, by the reviewer's team, p50/p85),
pr_merge_p50_hours (ready -> merge, working hours). Issues are tracker issues (not epics, not
GitHub items). Percentiles need min_sample (default 5) values.`
}

// buckets collects values per team and period.
type buckets map[[2]string][]float64

func (b buckets) add(team string, at time.Time, v float64, weekly bool) {
	at = at.UTC()
	b[[2]string{team, "all"}] = append(b[[2]string{team, "all"}], v)
	b[[2]string{team, at.Format("2006-01")}] = append(b[[2]string{team, at.Format("2006-01")}], v)
	if weekly {
		y, w := at.ISOWeek()
		k := [2]string{team, fmt.Sprintf("%d-W%02d", y, w)}
		b[k] = append(b[k], v)
	}
}

// percentiles emits name_p50_unit / name_p85_unit for every bucket with
// enough values.
func (b buckets) percentiles(res *Result, name string, ps []float64, minSample int) {
	for _, k := range sortedBucketKeys(b) {
		xs := b[k]
		if len(xs) < minSample {
			if k[1] == "all" {
				res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s %s: %s", k[0], name, plural(len(xs), "value")))
			}
			continue
		}
		for _, p := range ps {
			res.Metrics = append(res.Metrics, Metric{ScopeKind: "team", Scope: k[0],
				Metric: fmt.Sprintf(name, int(p*100)), Period: k[1], Value: round2(Quantile(xs, p)), N: len(xs)})
		}
	}
}

func sortedBucketKeys[V any](b map[[2]string]V) [][2]string {
	idx := map[string][2]string{}
	for k := range b {
		idx[k[0]+"\x00"+k[1]] = k
	}
	var out [][2]string
	for _, s := range sortedKeys(idx) {
		out = append(out, idx[s])
	}
	return out
}

func (m flow) Run(ctx context.Context, env *Env) (Result, error) {
	th := WithDefaults(env.Thresholds)
	var res Result
	steps := []func(context.Context, *Env, *Result, int) error{flowTimes, flowWIP, flowReviews}
	for _, step := range steps {
		if err := step(ctx, env, &res, th.MinSample); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// flowTimes: lead time, cycle time, throughput and flow efficiency of the
// issues resolved in the window, from one pass over their status
// intervals (only the resolved issues' intervals are grouped).
func flowTimes(ctx context.Context, env *Env, res *Result, minSample int) error {
	const q = `WITH done AS (
	SELECT item_id, team, resolved_at, created_at FROM items
	WHERE status_category = 'done' AND resolved_at >= $1 AND resolved_at < $2 AND team IS NOT NULL
		AND kind = 'issue' AND key NOT LIKE '%#%'
),
worked AS (
	SELECT item_id, min(start_at) AS started_at,
		sum(work_hours) FILTER (WHERE state_class = 'active') AS active_wh, sum(work_hours) AS wh
	FROM v_status_intervals
	WHERE state_class NOT IN ('new', 'done') AND item_id IN (SELECT item_id FROM done)
	GROUP BY 1
)
SELECT d.team, d.resolved_at, d.created_at IS NOT NULL, nonneg(epoch(d.resolved_at) - epoch(d.created_at)) / 86400.0,
	nonneg(epoch(d.resolved_at) - epoch(w.started_at)) / 86400.0, w.item_id IS NOT NULL, w.active_wh, w.wh
FROM done d LEFT JOIN worked w USING (item_id)
ORDER BY d.resolved_at, d.item_id`
	lead, cycle, done := buckets{}, buckets{}, buckets{}
	eff := efficiencies{}
	err := queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		var team string
		var at time.Time
		var created, worked bool
		var lt, ct, active, total *float64
		if err := scan(&team, &at, &created, &lt, &ct, &worked, &active, &total); err != nil {
			return err
		}
		if worked {
			eff.add(team, at, active, total)
		}
		if !created {
			return nil // no lead time, and flow times count only what has one
		}
		lead.add(team, at, *lt, false)
		done.add(team, at, 1, true)
		if ct != nil {
			cycle.add(team, at, *ct, false)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("flow lead and cycle times: %w", err)
	}
	lead.percentiles(res, "lead_time_p%d_days", []float64{0.5, 0.85}, minSample)
	cycle.percentiles(res, "cycle_time_p%d_days", []float64{0.5, 0.85}, minSample)
	throughput(res, env, done)
	eff.metrics(res, minSample)
	return nil
}

// throughput emits the count of resolved issues per team for every week
// and month of the window, zeros included, so forecasts see empty weeks.
func throughput(res *Result, env *Env, done buckets) {
	teams := map[string]bool{}
	for k := range done {
		teams[k[0]] = true
	}
	for _, team := range sortedKeys(teams) {
		seen := map[string]bool{}
		for d := env.From.UTC(); d.Before(env.To); d = d.AddDate(0, 0, 1) {
			y, w := d.ISOWeek()
			for _, p := range []string{fmt.Sprintf("%d-W%02d", y, w), d.Format("2006-01")} {
				if !seen[p] {
					seen[p] = true
					n := len(done[[2]string{team, p}])
					res.Metrics = append(res.Metrics, Metric{ScopeKind: "team", Scope: team, Metric: "throughput", Period: p, Value: float64(n), N: n})
				}
			}
		}
		n := len(done[[2]string{team, "all"}])
		res.Metrics = append(res.Metrics, Metric{ScopeKind: "team", Scope: team, Metric: "throughput", Period: "all", Value: float64(n), N: n})
	}
}

// efficiencies sums, per team and period (month of resolution, "all"),
// the working hours resolved issues spent between start and done and the
// active share of them.
type efficiencies map[[2]string]*efficiency

type efficiency struct {
	active, total float64
	items         int
}

func (e efficiencies) add(team string, at time.Time, active, total *float64) {
	for _, p := range []string{at.UTC().Format("2006-01"), "all"} {
		k := [2]string{team, p}
		if e[k] == nil {
			e[k] = &efficiency{}
		}
		e[k].items++
		if active != nil {
			e[k].active += *active
		}
		if total != nil {
			e[k].total += *total
		}
	}
}

// metrics emits flow_efficiency per team, its months in order then "all",
// for the periods with at least minSample issues and working hours.
func (e efficiencies) metrics(res *Result, minSample int) {
	for _, k := range sortedBucketKeys(e) { // "all" sorts after the months
		v := e[k]
		if v.items < minSample || v.total <= 0 {
			continue
		}
		res.Metrics = append(res.Metrics, Metric{ScopeKind: "team", Scope: k[0], Metric: "flow_efficiency", Period: k[1],
			Value: round2(v.active / v.total), N: v.items})
	}
}

// flowWIP: the team's issues in progress on an average day of the window.
func flowWIP(ctx context.Context, env *Env, res *Result, _ int) error {
	const q = `WITH per_day AS (
	SELECT team, day, sum(items) AS items FROM v_wip
	WHERE team IS NOT NULL AND day >= $1::DATE AND day < $2::DATE GROUP BY ALL
)
SELECT team, strftime(day, '%Y-%m'), avg(items), count(*) FROM per_day
GROUP BY GROUPING SETS ((1, 2), (1)) ORDER BY 1, 2 NULLS LAST`
	args := []any{env.From.UTC().Format(time.DateOnly), env.To.UTC().Format(time.DateOnly)}
	return queryEach(ctx, env.DB, q, args, func(scan func(...any) error) error {
		var team string
		var period *string
		var v float64
		var n int
		if err := scan(&team, &period, &v, &n); err != nil {
			return err
		}
		p := "all"
		if period != nil {
			p = *period
		}
		res.Metrics = append(res.Metrics, Metric{ScopeKind: "team", Scope: team, Metric: "wip_avg", Period: p, Value: round2(v), N: n})
		return nil
	})
}

// flowReviews: review pickup by the requested reviewer's team, merge time
// by the pull request's team.
func flowReviews(ctx context.Context, env *Env, res *Result, minSample int) error {
	pickup, merge := buckets{}, buckets{}
	const qp = `SELECT reviewer_team, requested_at, work_hours FROM v_review_waits
WHERE requested_at >= $1 AND requested_at < $2 AND reviewer_team IS NOT NULL AND NOT coalesce(dropped, false)
ORDER BY requested_at, request_id`
	err := queryEach(ctx, env.DB, qp, windowArgs(env)[:2], func(scan func(...any) error) error {
		var team string
		var at time.Time
		var wh float64
		if err := scan(&team, &at, &wh); err != nil {
			return err
		}
		pickup.add(team, at, wh, true)
		return nil
	})
	if err != nil {
		return fmt.Errorf("flow review pickup: %w", err)
	}
	const qm = `SELECT team, merged_at, work_hours(ready_at, merged_at) FROM v_pr_phases
WHERE merged_at >= $1 AND merged_at < $2 AND team IS NOT NULL AND ready_at IS NOT NULL
ORDER BY merged_at, item_id`
	err = queryEach(ctx, env.DB, qm, windowArgs(env)[:2], func(scan func(...any) error) error {
		var team string
		var at time.Time
		var wh float64
		if err := scan(&team, &at, &wh); err != nil {
			return err
		}
		merge.add(team, at, wh, true)
		return nil
	})
	if err != nil {
		return fmt.Errorf("flow merge times: %w", err)
	}
	pickup.percentiles(res, "review_pickup_p%d_hours", []float64{0.5, 0.85}, minSample)
	merge.percentiles(res, "pr_merge_p%d_hours", []float64{0.5}, minSample)
	return nil
}
