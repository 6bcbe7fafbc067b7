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

// churnEventsSQL lists, from $1 to $2, every item event (kind 'active')
// and, over the whole history up to $2, every bounce: a handoff (Jira
// assignee change away from someone, GitHub assignment after the first),
// a move back into a status the item had been in before, or a
// changes-requested review. Epics and items without a team are left out.
const churnEventsSQL = `WITH ev AS (
	SELECT item_id, occurred_at, kind, from_value,
		row_number() OVER (PARTITION BY item_id, kind ORDER BY occurred_at, event_id) AS rn
	FROM item_events WHERE occurred_at < $2),
firsts AS (
	SELECT item_id, seq, start_at, min(seq) OVER (PARTITION BY item_id, lower(status)) AS first_seq
	FROM v_status_intervals WHERE start_at < $2),
seqd AS (
	SELECT item_id, start_at, first_seq < seq AND first_seq < lag(first_seq) OVER w AS again
	FROM firsts WINDOW w AS (PARTITION BY item_id ORDER BY seq)),
marks AS (
	SELECT item_id, occurred_at AS at, 'active' AS what FROM ev WHERE occurred_at >= $1
	UNION ALL
	SELECT item_id, occurred_at, 'handoff' FROM ev
	WHERE (kind = 'assignee' AND coalesce(from_value, '') <> '') OR (kind = 'assigned' AND rn > 1)
	UNION ALL
	SELECT item_id, start_at, 'return' FROM seqd WHERE again
	UNION ALL
	SELECT item_id, submitted_at, 'round' FROM reviews
	WHERE upper(state) = 'CHANGES_REQUESTED' AND submitted_at < $2)
SELECT it.team, m.item_id, m.at, m.what FROM marks m JOIN items it USING (item_id)
WHERE it.team IS NOT NULL AND it.kind <> 'epic'
ORDER BY it.team, m.item_id, m.at`

type churnMark struct {
	item string
	at   time.Time
	what string
}

// churnSeries is, per team, the weekly share of its active items (an event
// that week) that bounced that week and churn by the thresholds (their
// handoffs, returns or changes-requested rounds up to the window's end),
// 0 for a week with fewer than churnWeekItems of them; from the
// lookback's start to the window's end.
func churnSeries(ctx context.Context, env *Env) (map[string][]Point, error) {
	th := WithDefaults(env.Thresholds)
	marks := map[string][]churnMark{}
	err := queryEach(ctx, env.DB, churnEventsSQL, []any{lookbackFrom(env).UTC(), env.To.UTC()},
		func(scan func(...any) error) error {
			var team string
			var m churnMark
			if err := scan(&team, &m.item, &m.at, &m.what); err != nil {
				return err
			}
			marks[team] = append(marks[team], m)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("handoff churn per team and week: %w", err)
	}
	weeks := weekStarts(env)
	out := map[string][]Point{}
	for team, ms := range marks {
		counts := map[string]map[string]int{}
		for _, m := range ms {
			if counts[m.item] == nil {
				counts[m.item] = map[string]int{}
			}
			counts[m.item][m.what]++
		}
		churns := func(item string) bool {
			c := counts[item]
			return c["handoff"] >= th.AssigneeChanges || c["return"] >= th.StatusReturns || c["round"] >= th.ReviewRounds
		}
		active := make([]map[string]bool, len(weeks))
		bounced := make([]map[string]bool, len(weeks))
		for i := range weeks {
			active[i], bounced[i] = map[string]bool{}, map[string]bool{}
		}
		for _, m := range ms {
			i := weekIndex(weeks, m.at)
			switch {
			case i < 0:
			case m.what == "active":
				active[i][m.item] = true
			case churns(m.item):
				bounced[i][m.item] = true
			}
		}
		series := make([]Point, len(weeks))
		for i, wk := range weeks {
			series[i] = Point{At: wk}
			if n := len(bounced[i]); n >= churnWeekItems {
				series[i].Value = round2(min(1, float64(n)/float64(max(len(active[i]), n))))
			}
		}
		out[team] = series
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
	at := map[string]int{}
	for i, f := range res.Findings {
		at[f.Team] = i
	}
	for _, team := range sortedKeys(series) {
		s := series[team]
		ep, weeks, ok := weekEpisode(env, "handoff_churn", s, churnWeekShare)
		if !ok {
			continue
		}
		i, found := at[team]
		if !found {
			res.Findings = append(res.Findings, Finding{Pattern: "handoff_churn", Severity: Info, Team: team,
				SubjectKind: "team", Subject: team, Evidence: Evidence{Values: map[string]float64{}}})
			i = len(res.Findings) - 1
		}
		f := &res.Findings[i]
		f.Severity = atLeast(f.Severity, episodeSeverity(ep, weeks))
		f.Score = max(f.Score, round2(min(1, 2*ep.Median)))
		f.Evidence.Episode, f.Evidence.Timeline = &ep, s
		f.Evidence.Values["episode_weeks"] = float64(ep.Periods)
		f.Summary = joinSentences(f.Summary, fmt.Sprintf(
			"Work bounced between people or back to earlier states in %s from the week of %s: more than %.0f%% of the items moving each week, the most in the week of %s (%.0f%%); %s.",
			plural(ep.Periods, "week"), ep.Start.Format(time.DateOnly), churnWeekShare*100,
			ep.Peak.Format(time.DateOnly), ep.PeakValue*100, episodeEnd(ep)))
	}
	return nil
}
