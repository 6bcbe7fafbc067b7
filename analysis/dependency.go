package analysis

import (
	"context"
	"fmt"
	"math"
	"time"
)

// dependencyDelay is the dependency_delay pattern: cross-team waits. An
// item of team A waits on team B while a 'blocks' link from an item of B
// is in force (v_dependency_waits: from the link's creation until the
// blocker is done, the link removed or the waiting item done). Per team
// pair "A/B" over the waits that overlap the window: count, total and
// median wait in working hours, and the share of the waiting items' lead
// time (creation to done, or to now) spent waiting. A pair with at least
// Thresholds.MinSample waits whose median exceeds Thresholds.BlockedMax
// (default 2d = two working days) is a finding: warn, critical at twice
// the agreement; score 1 - agreement/median. Team = the waiting team.
// Pull requests waiting on reviewers of another team against their own
// team (v_review_waits, when present) are reported as metrics next to it.
// Also measures blocked_p50_hours per team over every blocked interval
// that started in the window.
type dependencyDelay struct{}

var _ Module = dependencyDelay{}

func init() {
	Register(dependencyDelay{})
}

func (dependencyDelay) Name() string { return "dependency_delay" }

func (dependencyDelay) Explain() string {
	return `dependency_delay: cross-team waits. An item of team A is waiting on team B while a 'blocks'
link from one of B's items to it is in force: from the link's creation until the blocker is done, the
link is removed or the waiting item is done (open waits count up to now). Per team pair "A/B": number
of waits, total and median wait in working hours (weekends, nights and holidays excluded), and the share
of the waiting items' lead time spent waiting.
A finding needs at least min_sample (default 5) waits in the pair; it is warn when the median wait
exceeds the blocked agreement (thresholds.blocked, default 2d = 2 working days) and critical at twice
it. Score = 1 - agreement/median. Team = the waiting team, subject "waiting/blocking".
Metrics: dependency_wait_p50_hours (team_pair), blocked_p50_hours (team: every blocked status, flag
and link interval that started in the window), review_wait_cross_team_p50_hours and review_wait_own_team_p50_hours (team of the
PR author; from v_review_waits).`
}

// depWait is one cross-team wait.
type depWait struct {
	waiting, blocking, key, blocker, url string
	hours, workHours, leadHours          float64
	open                                 bool
	start, end                           time.Time // end zero while open
}

func (m dependencyDelay) Run(ctx context.Context, env *Env) (Result, error) {
	th := limits(env)
	waits, err := dependencyWaits(ctx, env)
	if err != nil {
		return Result{}, err
	}
	pairs := map[string][]depWait{}
	spans := map[string][]span{}
	for _, w := range waits {
		pair := w.waiting + "/" + w.blocking
		spans[pair] = append(spans[pair], span{w.start, w.end, w.workHours})
		if (span{w.start, w.end, 0}).overlaps(env.From, env.To) {
			pairs[pair] = append(pairs[pair], w)
		}
	}
	var res Result
	limit := workThreshold(env, th.BlockedMax)
	for _, pair := range sortedKeys(pairs) {
		ws := pairs[pair]
		ep, series, weeks, inEpisode := waitEpisode(env, "dependency_delay", spans[pair], limit/dayHours(env))
		inEpisode = inEpisode && len(spans[pair]) >= th.MinSample
		var hs []float64
		for _, w := range ws {
			hs = append(hs, w.workHours)
		}
		med := Median(hs)
		res.Metrics = append(res.Metrics, Metric{ScopeKind: "team_pair", Scope: pair,
			Metric: "dependency_wait_p50_hours", Period: "all", Value: round2(med), N: len(hs)})
		if len(ws) < th.MinSample && !inEpisode {
			res.NotEnoughData = append(res.NotEnoughData,
				fmt.Sprintf("%s: %d cross-team waits (minimum %d)", pair, len(ws), th.MinSample))
			continue
		}
		if med <= limit && !inEpisode {
			continue
		}
		f := dependencyFinding(env, pair, ws, med, limit)
		if inEpisode {
			f.Severity = atLeast(f.Severity, episodeSeverity(ep, weeks))
			f.Evidence.Episode, f.Evidence.Timeline = &ep, series
			f.Summary += " " + waitEpisodeText(ep)
		}
		res.Findings = append(res.Findings, f)
	}
	blocked, err := blockedMetrics(ctx, env)
	if err != nil {
		return Result{}, err
	}
	res.Metrics = append(res.Metrics, blocked...)
	reviews, err := reviewWaitMetrics(ctx, env)
	if err != nil {
		return Result{}, err
	}
	res.Metrics = append(res.Metrics, reviews...)
	return res, nil
}

func dependencyFinding(env *Env, pair string, ws []depWait, med, limit float64) Finding {
	var hs []float64
	var total, waited, lead float64
	open := 0
	perItem := map[string]float64{}
	leads := map[string]float64{}
	var items []EvidenceItem
	for _, w := range ws {
		hs = append(hs, w.workHours)
		total += w.workHours
		perItem[w.key] += w.hours
		leads[w.key] = w.leadHours
		note := "waited on " + w.blocker
		if w.open {
			open++
			note += ", still waiting"
		}
		items = append(items, EvidenceItem{Key: w.key, URL: w.url, Value: round2(w.workHours), Note: note})
	}
	for k, h := range perItem {
		waited += math.Min(h, leads[k])
		lead += leads[k]
	}
	share := 0.0
	if lead > 0 {
		share = waited / lead
	}
	lo, hi := BootstrapMedianCI(hs, 0.9, 1000, 1)
	w := ws[0]
	summary := fmt.Sprintf("%s waited on %s %s, a median %s each (agreement %s), %s in total and %.0f%% of the waiting items' lead time",
		w.waiting, w.blocking, plural(len(ws), "time"), workDays(env, med), workDays(env, limit), workDays(env, total), share*100)
	if open > 0 {
		summary += fmt.Sprintf("; %d still waiting", open)
	}
	return Finding{
		Pattern: "dependency_delay", Severity: overSeverity(med, limit), Team: w.waiting,
		SubjectKind: "team_pair", Subject: pair, Score: overScore(med, limit), Summary: summary + ".",
		Evidence: Evidence{
			Values: map[string]float64{"waits": float64(len(ws)), "median_work_hours": round2(med),
				"median_ci90_low": round2(lo), "median_ci90_high": round2(hi),
				"p85_work_hours": round2(Quantile(hs, 0.85)), "total_work_hours": round2(total),
				"lead_time_share": round2(share), "open": float64(open), "agreement_work_hours": round2(limit)},
			Items: topItems(items, 20),
		},
	}
}

// dependencyWaits reads the cross-team waits overlapping the lookback and
// the window (see Lookback), each
// with its waiting item's lead time (creation to done, or to now).
func dependencyWaits(ctx context.Context, env *Env) ([]depWait, error) {
	const q = `WITH lead AS (
	SELECT item_id, greatest(epoch(coalesce(done_at, $3::TIMESTAMPTZ)) - epoch(first_at), 0) / 3600.0 AS lead_hours
	FROM v_item_firsts)
SELECT d.waiting_team, d.blocker_team, d.waiting_key, d.blocker_key, coalesce(it.url, ''),
	d.hours, d.work_hours, coalesce(l.lead_hours, d.hours), d.end_at IS NULL, d.start_at, coalesce(d.end_at, $3::TIMESTAMPTZ)
FROM v_dependency_waits d
JOIN items it ON it.item_id = d.waiting_item
LEFT JOIN lead l ON l.item_id = d.waiting_item
WHERE d.start_at < $2 AND coalesce(d.end_at, $3::TIMESTAMPTZ) > $1
ORDER BY d.waiting_team, d.blocker_team, d.waiting_key, d.blocker_key`
	var out []depWait
	args := []any{lookbackFrom(env).UTC(), env.To.UTC(), nowOf(env).UTC()}
	err := queryEach(ctx, env.DB, q, args, func(scan func(...any) error) error {
		var w depWait
		if err := scan(&w.waiting, &w.blocking, &w.key, &w.blocker, &w.url, &w.hours, &w.workHours, &w.leadHours, &w.open,
			&w.start, &w.end); err != nil {
			return err
		}
		if w.open {
			w.end = time.Time{}
		}
		out = append(out, w)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dependency waits: %w", err)
	}
	return out, nil
}

// blockedMetrics is blocked_p50_hours per team: the median working hours
// of the blocked intervals (any reason) that started in the window, open
// ones aged to its end. Each interval counts in the one period it started
// in, as the blocked_time agreement counts it, so consecutive months never
// repeat one long block.
func blockedMetrics(ctx context.Context, env *Env) ([]Metric, error) {
	const q = `SELECT team, median(work_hours), count(*) FROM v_blocked
WHERE team IS NOT NULL AND start_at >= $1 AND start_at < $2 AND $3::TIMESTAMPTZ IS NOT NULL
GROUP BY team ORDER BY team`
	var out []Metric
	err := queryEach(ctx, env.DB, q, windowArgs(env), func(scan func(...any) error) error {
		m := Metric{ScopeKind: "team", Metric: "blocked_p50_hours", Period: "all"}
		if err := scan(&m.Scope, &m.Value, &m.N); err != nil {
			return err
		}
		m.Value = round2(m.Value)
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("blocked intervals: %w", err)
	}
	return out, nil
}

// reviewWaitMetrics compares, per PR author's team, review waits on
// reviewers of another team with waits on the own team, when the review
// facts exist (v_review_waits belongs to the review analysis).
func reviewWaitMetrics(ctx context.Context, env *Env) ([]Metric, error) {
	var n int
	if err := env.DB.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM duckdb_views() WHERE view_name = 'v_review_waits')
	+ (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'v_review_waits')`).Scan(&n); err != nil {
		return nil, fmt.Errorf("look for v_review_waits: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	const q = `SELECT author_team, reviewer_team = author_team AS own, median(work_hours), count(*)
FROM v_review_waits
WHERE author_team IS NOT NULL AND reviewer_team IS NOT NULL AND requested_at >= $1 AND requested_at < $2
GROUP BY ALL ORDER BY 1, 2`
	var out []Metric
	err := queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		var own bool
		m := Metric{ScopeKind: "team", Period: "all"}
		if err := scan(&m.Scope, &own, &m.Value, &m.N); err != nil {
			return err
		}
		m.Metric = "review_wait_cross_team_p50_hours"
		if own {
			m.Metric = "review_wait_own_team_p50_hours"
		}
		m.Value = round2(m.Value)
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("review waits by team: %w", err)
	}
	return out, nil
}
