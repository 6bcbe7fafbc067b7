package analysis

import (
	"context"
	"fmt"
	"time"
)

// scopeWeeksSQL lists, per team, the sprints that started by now and ran
// at some time from $1 to $2, with their churn so far: items added after
// the start and removed before the close, against the committed items.
const scopeWeeksSQL = `SELECT team, start_at, coalesce(close_at, end_at, $3::TIMESTAMPTZ), committed, added, removed
FROM v_sprint_commitment
WHERE team IS NOT NULL AND start_at IS NOT NULL AND start_at < $2 AND start_at <= $3
	AND coalesce(close_at, end_at, $3::TIMESTAMPTZ) > $1
ORDER BY team, start_at`

type sprintChurn struct {
	start, close              time.Time
	committed, added, removed int
}

// scopeSeries is, per team, one point per week from the lookback's start
// to the window's end: the churn (added after the start plus removed
// before the close, over committed) of the team's sprints under way at
// the week's middle (Wednesday noon), so a two-week sprint weighs two
// weeks, ten working days, and a one-week sprint one. A week whose sprints
// committed fewer than min_sample items, or that no sprint covers, is 0.
func scopeSeries(ctx context.Context, env *Env) (map[string][]Point, error) {
	th := WithDefaults(env.Thresholds)
	sprints := map[string][]sprintChurn{}
	err := queryEach(ctx, env.DB, scopeWeeksSQL, []any{lookbackFrom(env).UTC(), env.To.UTC(), nowOf(env).UTC()},
		func(scan func(...any) error) error {
			var team string
			var s sprintChurn
			if err := scan(&team, &s.start, &s.close, &s.committed, &s.added, &s.removed); err != nil {
				return err
			}
			sprints[team] = append(sprints[team], s)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("scope churn per team and week: %w", err)
	}
	weeks := weekStarts(env)
	out := map[string][]Point{}
	for team, ss := range sprints {
		series := make([]Point, len(weeks))
		for i, wk := range weeks {
			series[i] = Point{At: wk}
			mid := wk.Add(60 * time.Hour)
			var committed, changed int
			for _, s := range ss {
				if !s.start.After(mid) && s.close.After(mid) {
					committed += s.committed
					changed += s.added + s.removed
				}
			}
			if committed >= th.MinSample {
				series[i].Value = round2(float64(changed) / float64(committed))
			}
		}
		out[team] = series
	}
	return out, nil
}

// scopeEpisodes raises or adds a scope_churn finding for each team whose
// sprints' churn stays above the threshold for the family's minimum
// duration (a two-week sprint, or two one-week sprints), reaching into the
// window.
func scopeEpisodes(ctx context.Context, env *Env, limit float64, res *Result) error {
	series, err := scopeSeries(ctx, env)
	if err != nil {
		return err
	}
	at := findingsByTeam(res)
	for _, team := range sortedKeys(series) {
		s := series[team]
		ep, weeks, ok := weekEpisode(env, "scope_churn", s, limit)
		if !ok {
			continue
		}
		f, err := teamFinding(res, at, team, func() (Finding, error) {
			items, err := scopeItems(ctx, env, team)
			return Finding{Pattern: "scope_churn", Severity: Info, Team: team, SubjectKind: "team", Subject: team,
				Evidence: Evidence{Items: items}}, err
		})
		if err != nil {
			return err
		}
		f.holdEpisode(ep, s, weeks, overScore(ep.Median, limit), fmt.Sprintf(
			"The sprints under way changed by more than %.0f%% of their commitment in %s from the week of %s, the most in the week of %s (%.0f%%); %s.",
			limit*100, plural(ep.Periods, "week"), ep.Start.Format(time.DateOnly), ep.Peak.Format(time.DateOnly),
			ep.PeakValue*100, episodeEnd(ep)))
	}
	return nil
}
