package analysis

import (
	"context"
	"fmt"
	"time"
)

// churnWeekShare is the share of a team's active items bouncing in one
// week above which the week counts toward a handoff churn episode (the
// window's warn level), and churnWeekItems the fewest bouncing items that
// make a week count: one item bouncing is that item's story, not the
// team's flow.
const (
	churnWeekShare = 0.1
	churnWeekItems = 2
)

// churnWeeksSQL counts, per team and week from $1 (a Monday, 00:00 UTC)
// to $2, the items active that week (an event, or a bounce) and of them
// the items that bounced that week and churn by the thresholds ($3
// handoffs, $4 returns, $5 changes-requested rounds, counted over their
// whole history up to $2). A bounce is a handoff (Jira assignee change
// away from someone, GitHub assignment after the first), a move back into
// a status the item had been in before, or a changes-requested review.
// Epics and items without a team are left out. The week is the number of
// whole weeks since $1.
const churnWeeksSQL = `WITH moving AS (
	SELECT DISTINCT item_id FROM item_events WHERE occurred_at >= $1 AND occurred_at < $2),
bounces AS (
	-- the moving items' handoffs and returns, and every changes-requested round, up to $2 (v_bounces)
	SELECT item_id, bounced_at, kind AS what FROM v_bounces
	WHERE bounced_at < $2 AND (kind = 'round' OR (kind IN ('handoff', 'return') AND item_id IN (SELECT item_id FROM moving)))),
churning AS (
	SELECT item_id FROM bounces GROUP BY item_id
	HAVING count(*) FILTER (WHERE what = 'handoff') >= $3 OR count(*) FILTER (WHERE what = 'return') >= $4
		OR count(*) FILTER (WHERE what = 'round') >= $5),
bounced AS (
	SELECT DISTINCT item_id, floor((epoch(bounced_at) - epoch($1::TIMESTAMPTZ)) / 604800)::INTEGER AS wk
	FROM bounces WHERE bounced_at >= $1 AND item_id IN (SELECT item_id FROM churning)),
active AS (
	SELECT item_id, floor((epoch(occurred_at) - epoch($1::TIMESTAMPTZ)) / 604800)::INTEGER AS wk
	FROM item_events WHERE occurred_at >= $1 AND occurred_at < $2
	UNION
	SELECT item_id, wk FROM bounced)
SELECT it.team, a.wk, count(*), count(b.item_id)
FROM active a JOIN items it USING (item_id) LEFT JOIN bounced b USING (item_id, wk)
WHERE it.team IS NOT NULL AND it.kind <> 'epic'
GROUP BY ALL ORDER BY 1, 2`

// churnSeries is, per team, the weekly share of its active items that
// bounced that week and churn by the thresholds, 0 for a week with fewer
// than churnWeekItems of them; from the lookback's start to the window's
// end.
func churnSeries(ctx context.Context, env *Env) (map[string][]Point, error) {
	th := WithDefaults(env.Thresholds)
	weeks := weekStarts(env)
	if len(weeks) == 0 {
		return nil, nil
	}
	out := map[string][]Point{}
	args := []any{weeks[0], env.To.UTC(), th.AssigneeChanges, th.StatusReturns, th.ReviewRounds}
	err := queryEach(ctx, env.DB, churnWeeksSQL, args, func(scan func(...any) error) error {
		var team string
		var wk, active, bounced int
		if err := scan(&team, &wk, &active, &bounced); err != nil {
			return err
		}
		s := out[team]
		if s == nil {
			s = make([]Point, len(weeks))
			for i, at := range weeks {
				s[i] = Point{At: at}
			}
			out[team] = s
		}
		if wk >= 0 && wk < len(s) && bounced >= churnWeekItems {
			s[wk].Value = round2(float64(bounced) / float64(active))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("handoff churn per team and week: %w", err)
	}
	return out, nil
}

// churnEpisodes raises or adds a handoff_churn finding for each team whose
// weekly churn share stays above churnWeekShare for the family's minimum
// duration, reaching into the window.
func churnEpisodes(ctx context.Context, env *Env, res *Result) error {
	series, err := churnSeries(ctx, env)
	if err != nil {
		return err
	}
	at := findingsByTeam(res)
	for _, team := range sortedKeys(series) {
		s := series[team]
		ep, weeks, ok := weekEpisode(env, "handoff_churn", s, churnWeekShare)
		if !ok {
			continue
		}
		f, _ := teamFinding(res, at, team, func() (Finding, error) {
			return Finding{Pattern: "handoff_churn", Severity: Info, Team: team, SubjectKind: "team", Subject: team}, nil
		})
		f.holdEpisode(ep, s, weeks, round2(min(1, 2*ep.Median)), fmt.Sprintf(
			"Work bounced between people or back to earlier states in %s from the week of %s: more than %.0f%% of the items moving each week, the most in the week of %s (%.0f%%); %s.",
			plural(ep.Periods, "week"), ep.Start.Format(time.DateOnly), churnWeekShare*100,
			ep.Peak.Format(time.DateOnly), ep.PeakValue*100, episodeEnd(ep)))
	}
	return nil
}
