package analysis

import (
	"context"
	"fmt"
	"strings"
)

// scopeChurn is the scope_churn pattern: sprint scope that changes after
// the sprint starts. Per team (the sprint's team in v_sprint_commitment),
// over the sprints that started in the window: items added after the
// start plus items removed before the close, against the items committed
// at the start. Above Thresholds.ScopeChurn (default 0.25) it is warn,
// critical at twice it; score 1 - threshold/churn. A team needs at least
// Thresholds.MinSample committed items over those sprints. Metrics:
// scope_added_share (added/committed) for the window and per month of the
// sprints' start.
//
// Episodes (scope_episode.go): per team and week, the churn of the sprints
// under way; two weeks above the threshold (one two-week sprint) reaching
// into the window make the team at least warn.
type scopeChurn struct{}

var _ Module = scopeChurn{}

func init() { Register(scopeChurn{}) }

func (scopeChurn) Name() string { return "scope_churn" }

func (scopeChurn) Explain() string {
	return `scope_churn: sprint scope changed after the sprint started, per team. Over the sprints that
started in the window: (items added after the start + items removed before the close) / items committed
at the start. Above thresholds.scope_churn (default 0.25) it is warn, critical at twice the threshold;
score = 1 - threshold/churn. Needs at least min_sample (default 5) committed items.
Episodes: per team and week, the churn of the sprints under way at the week's middle (0 when they
committed fewer than min_sample items), so a two-week sprint weighs two weeks. 2 or more weeks above
the threshold (10 working days: one two-week sprint or two one-week sprints; one quiet week joined),
read over a 120-day lookback, make the team at least warn, critical at twice the threshold or above
it for more than half of the window's weeks; the finding says when it started, peaked and ended and
holds the weekly timeline.
Metric: scope_added_share (added / committed), for the window and per month of the sprint start.`
}

type teamScope struct {
	sprints, committed, added, removed int
	items                              []EvidenceItem
}

func (ts *teamScope) add(c, a, r int) {
	ts.sprints++
	ts.committed += c
	ts.added += a
	ts.removed += r
}

func (m scopeChurn) Run(ctx context.Context, env *Env) (Result, error) {
	th := WithDefaults(env.Thresholds)
	teams := map[string]*teamScope{}
	months := map[string]*teamScope{} // "team\x00YYYY-MM"
	get := func(m map[string]*teamScope, k string) *teamScope {
		if m[k] == nil {
			m[k] = &teamScope{}
		}
		return m[k]
	}
	const q = `SELECT team, strftime(start_at, '%Y-%m'), committed, added, removed FROM v_sprint_commitment
WHERE team IS NOT NULL AND start_at >= $1 AND start_at < $2 AND start_at <= $3 ORDER BY team, start_at`
	err := queryEach(ctx, env.DB, q, windowArgs(env), func(scan func(...any) error) error {
		var team, month string
		var c, a, r int
		if err := scan(&team, &month, &c, &a, &r); err != nil {
			return err
		}
		get(teams, team).add(c, a, r)
		get(months, team+"\x00"+month).add(c, a, r)
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("scope churn: %w", err)
	}
	var res Result
	for _, team := range sortedKeys(teams) {
		ts := teams[team]
		res.Metrics = append(res.Metrics, addedShare(team, "all", ts))
		if ts.committed < th.MinSample {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %d committed items in %d sprints (minimum %d)",
				team, ts.committed, ts.sprints, th.MinSample))
			continue
		}
		churn := float64(ts.added+ts.removed) / float64(ts.committed)
		if churn <= th.ScopeChurn {
			continue
		}
		items, err := scopeItems(ctx, env, team)
		if err != nil {
			return Result{}, err
		}
		res.Findings = append(res.Findings, Finding{
			Pattern: "scope_churn", Severity: overSeverity(churn, th.ScopeChurn), Team: team,
			SubjectKind: "team", Subject: team, Score: overScore(churn, th.ScopeChurn),
			Summary: fmt.Sprintf("Over %s, %s added after the start and %d removed before the end against %d committed: %.0f%% churn (threshold %.0f%%).",
				plural(ts.sprints, "sprint"), wasWere(ts.added, "item"), ts.removed, ts.committed, churn*100, th.ScopeChurn*100),
			Evidence: Evidence{Values: map[string]float64{"sprints": float64(ts.sprints), "committed": float64(ts.committed),
				"added": float64(ts.added), "removed": float64(ts.removed), "churn_share": round2(churn),
				"threshold": th.ScopeChurn}, Items: items},
		})
	}
	if err := scopeEpisodes(ctx, env, th.ScopeChurn, &res); err != nil {
		return Result{}, err
	}
	for _, k := range sortedKeys(months) {
		team, month, _ := strings.Cut(k, "\x00")
		res.Metrics = append(res.Metrics, addedShare(team, month, months[k]))
	}
	return res, nil
}

func addedShare(team, period string, ts *teamScope) Metric {
	m := Metric{ScopeKind: "team", Scope: team, Metric: "scope_added_share", Period: period, N: ts.committed}
	if ts.committed > 0 {
		m.Value = round2(float64(ts.added) / float64(ts.committed))
	}
	return m
}

// scopeItems lists the items added after the start or removed before the
// close of the team's sprints that started in the window.
func scopeItems(ctx context.Context, env *Env, team string) ([]EvidenceItem, error) {
	const q = `SELECT it.key, coalesce(it.url, ''), s.sprint,
	CASE WHEN x.removed_at > s.start_at AND x.removed_at < s.close_at THEN 'removed from ' ELSE 'added to ' END
FROM v_sprint_commitment s JOIN sprint_items x USING (sprint_id) JOIN items it ON it.item_id = x.item_id
WHERE s.team = $4 AND s.start_at >= $1 AND s.start_at < $2 AND s.start_at <= $3
	AND ((NOT coalesce(x.committed, false) AND (x.removed_at IS NULL OR x.removed_at > s.start_at))
		OR (x.removed_at > s.start_at AND x.removed_at < s.close_at))
ORDER BY s.start_at, it.key LIMIT 20`
	var out []EvidenceItem
	err := queryEach(ctx, env.DB, q, append(windowArgs(env), team), func(scan func(...any) error) error {
		var it EvidenceItem
		var sprint, how string
		if err := scan(&it.Key, &it.URL, &sprint, &how); err != nil {
			return err
		}
		it.Note = how + sprint + " after it started"
		if how == "removed from " {
			it.Note = how + sprint + " before its end"
		}
		out = append(out, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scope churn items: %w", err)
	}
	return out, nil
}
