package analysis

import (
	"context"
	"fmt"
)

func init() { Register(ownershipGap{}) }

// ownershipGap is the ownership_gap module.
//
// Per team, over the window: tracker issues in progress (state class
// neither new nor done) that nobody was assigned while in progress, and
// pull requests merged without a review by anyone but their author (pull
// requests opened by bots are left out). The gap share is the gaps over
// all such issues and merged pull requests. With at least
// Thresholds.MinSample of them a share of 20% is a warn finding, 50%
// critical, anything above zero info; score = the share. Items in progress
// or merged in the window that no team owns are one info finding.
//
// With a plan agreement on unreviewed_merges, each repository's merges
// without an approving review are held to it over the window and per week
// (ownership_episode.go): two weeks above it are an episode.
type ownershipGap struct{}

var _ Module = ownershipGap{}

// gapWarn and gapCritical are the gap shares that make a team's gaps a
// pattern rather than an exception.
const gapWarn, gapCritical = 0.2, 0.5

func (ownershipGap) Name() string { return "ownership_gap" }

func (ownershipGap) Explain() string {
	return `ownership_gap: work nobody owns.
Per team, over the window: tracker issues in progress (neither new nor done) that nobody was
assigned to while in progress, and pull requests merged without a review by someone other than
the author (bot pull requests left out). Gap share = gaps / (issues in progress + merged pull
requests). With at least min_sample (default 5) of those: warn from 20%, critical from 50%,
info when there are gaps below that; score = the share. With a plan agreement on unreviewed_merges
(else the config threshold thresholds.unreviewed_merges, when set),
a team with more merges without an approving review than its target is at least warn (target 0: any), critical
at twice a target above zero. Work that no team owns is one info
finding.
Per repository, with that agreement or threshold only: merges without an approving review by someone other
than the author (a comment is not an approval; bot pull requests left out). More of them in the
window than the target is at least warn; an episode is 2 or more weeks (10 working days, one quiet
week joined) with more of them than the target each week, read over a 120-day lookback so it is
found whatever the window: at least warn, critical above the target in more than half of the
window's weeks (or at twice a target above zero); the finding says when it started, peaked and
ended and holds the weekly counts. With neither, the team's gap share judges alone.
Metrics: unreviewed_merges and unassigned_wip per team.`
}

type gapItem struct {
	team, key, url, kind string
	gap                  bool
}

func (m ownershipGap) Run(ctx context.Context, env *Env) (Result, error) {
	th := WithDefaults(env.Thresholds)
	items, err := gapItems(ctx, env)
	if err != nil {
		return Result{}, err
	}
	byTeam := map[string][]gapItem{}
	for _, it := range items {
		byTeam[it.team] = append(byTeam[it.team], it)
	}
	var res Result
	for _, team := range sortedKeys(byTeam) {
		its := byTeam[team]
		if team == "" {
			res.Findings = append(res.Findings, unownedFinding(its))
			continue
		}
		var wip, unassigned, merged, unreviewed int
		var ev []EvidenceItem
		for _, it := range its {
			if it.kind == "issue" {
				wip++
			} else {
				merged++
			}
			if !it.gap {
				continue
			}
			note := "in progress with nobody assigned"
			if it.kind == "issue" {
				unassigned++
			} else {
				unreviewed++
				note = "merged without an approving review"
			}
			ev = append(ev, EvidenceItem{Key: it.key, URL: it.url, Note: note})
		}
		res.Metrics = append(res.Metrics,
			Metric{ScopeKind: "team", Scope: team, Metric: "unreviewed_merges", Period: "all", Value: float64(unreviewed), N: merged},
			Metric{ScopeKind: "team", Scope: team, Metric: "unassigned_wip", Period: "all", Value: float64(unassigned), N: wip})
		if len(its) < th.MinSample && unreviewedSeverity(env, unreviewed) == Info {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %s in progress or merged", team, plural(len(its), "item")))
			continue
		}
		if len(ev) == 0 {
			continue
		}
		share := float64(len(ev)) / float64(len(its))
		sev := Info
		switch {
		case share >= gapCritical:
			sev = Critical
		case share >= gapWarn:
			sev = Warn
		}
		sev = atLeast(sev, unreviewedSeverity(env, unreviewed))
		if len(ev) > 20 {
			ev = ev[:20]
		}
		res.Findings = append(res.Findings, Finding{Pattern: "ownership_gap", Severity: sev, Team: team, SubjectKind: "team",
			Subject: team, Score: round2(share),
			Summary: fmt.Sprintf("%s of %s work in the window had no owner: %d of %d issues in progress had nobody assigned and %d of %d merged pull requests had no approving review.",
				percent(share), possessive(team), unassigned, wip, unreviewed, merged),
			Evidence: Evidence{Values: map[string]float64{"gap_share": round2(share), "unassigned_wip": float64(unassigned),
				"issues_in_progress": float64(wip), "unreviewed_merges": float64(unreviewed), "merged_pull_requests": float64(merged)},
				Items: ev}})
	}
	if err := unapprovedFindings(ctx, env, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// unreviewedSeverity holds a team's merges without an approving review against the
// plan's unreviewed_merges agreement (none: info): above the target is
// warn, twice a target above zero critical.
func unreviewedSeverity(env *Env, unreviewed int) string {
	target, ok := unreviewedLimit(env)
	if !ok {
		return Info
	}
	return ladder(float64(unreviewed), target, 0)
}

func unownedFinding(its []gapItem) Finding {
	var ev []EvidenceItem
	for _, it := range its {
		if len(ev) < 20 {
			ev = append(ev, EvidenceItem{Key: it.key, URL: it.url, Note: "no team owns it"})
		}
	}
	return Finding{Pattern: "ownership_gap", Severity: Info, Team: "", SubjectKind: "team", Subject: "unowned", Score: 0,
		Summary:  fmt.Sprintf("%s in progress or merged in the window belong to no team: map their projects, components or repositories to a team in the config.", plural(len(its), "item")),
		Evidence: Evidence{Values: map[string]float64{"items": float64(len(its))}, Items: ev}}
}

// gapItems lists the window's issues in progress and merged pull requests
// with whether each is a gap.
func gapItems(ctx context.Context, env *Env) ([]gapItem, error) {
	const q = `WITH prog AS (
	SELECT DISTINCT item_id FROM v_status_intervals
	WHERE state_class NOT IN ('new', 'done') AND key NOT LIKE '%#%'
		AND start_at < $2 AND coalesce(end_at, $3) > $1
),
held AS (
	SELECT DISTINCT item_id FROM v_wip_spans WHERE start_at < $2 AND coalesce(end_at, $3) > $1
)
SELECT coalesce(it.team, ''), it.key, coalesce(it.url, ''), 'issue', h.item_id IS NULL
FROM prog JOIN items it USING (item_id) LEFT JOIN held h USING (item_id)
UNION ALL
SELECT coalesce(team, ''), key, coalesce(url, ''), 'pull_request', unreviewed_merge
FROM v_pr_phases WHERE merged_at >= $1 AND merged_at < $2 AND NOT author_bot
ORDER BY 1, 2`
	var out []gapItem
	err := queryEach(ctx, env.DB, q, windowArgs(env), func(scan func(...any) error) error {
		var it gapItem
		if err := scan(&it.team, &it.key, &it.url, &it.kind, &it.gap); err != nil {
			return err
		}
		out = append(out, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ownership gaps: %w", err)
	}
	return out, nil
}
