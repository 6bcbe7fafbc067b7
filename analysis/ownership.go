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

// gapItem is one item a finding lists: an issue or a pull request.
type gapItem struct{ key, url, kind string }

// teamGaps is one team's work in the window: the counts, and the items a
// finding lists (its gaps, or every item of the unowned work), at most
// gapListed of them in key order.
type teamGaps struct {
	wip, unassigned, merged, unreviewed int
	items                               []gapItem
}

// gapListed is how many items an ownership_gap finding lists.
const gapListed = 20

func (m ownershipGap) Run(ctx context.Context, env *Env) (Result, error) {
	th := WithDefaults(env.Thresholds)
	byTeam, err := gapItems(ctx, env)
	if err != nil {
		return Result{}, err
	}
	var res Result
	for _, team := range sortedKeys(byTeam) {
		g := byTeam[team]
		if team == "" {
			res.Findings = append(res.Findings, unownedFinding(g))
			continue
		}
		var ev []EvidenceItem
		for _, it := range g.items {
			note := "in progress with nobody assigned"
			if it.kind != "issue" {
				note = "merged without an approving review"
			}
			ev = append(ev, EvidenceItem{Key: it.key, URL: it.url, Note: note})
		}
		res.Metrics = append(res.Metrics,
			Metric{ScopeKind: "team", Scope: team, Metric: "unreviewed_merges", Period: "all", Value: float64(g.unreviewed), N: g.merged},
			Metric{ScopeKind: "team", Scope: team, Metric: "unassigned_wip", Period: "all", Value: float64(g.unassigned), N: g.wip})
		all, gaps := g.wip+g.merged, g.unassigned+g.unreviewed
		if all < th.MinSample && unreviewedSeverity(env, g.unreviewed) == Info {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %s in progress or merged", team, plural(all, "item")))
			continue
		}
		if gaps == 0 {
			continue
		}
		share := float64(gaps) / float64(all)
		sev := Info
		switch {
		case share >= gapCritical:
			sev = Critical
		case share >= gapWarn:
			sev = Warn
		}
		sev = atLeast(sev, unreviewedSeverity(env, g.unreviewed))
		res.Findings = append(res.Findings, Finding{Pattern: "ownership_gap", Severity: sev, Team: team, SubjectKind: "team",
			Subject: team, Score: round2(share),
			Summary: fmt.Sprintf("%s of %s work in the window had no owner: %d of %d issues in progress had nobody assigned and %d of %d merged pull requests had no approving review.",
				percent(share), possessive(team), g.unassigned, g.wip, g.unreviewed, g.merged),
			Evidence: Evidence{Values: map[string]float64{"gap_share": round2(share), "unassigned_wip": float64(g.unassigned),
				"issues_in_progress": float64(g.wip), "unreviewed_merges": float64(g.unreviewed), "merged_pull_requests": float64(g.merged)},
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

func unownedFinding(g *teamGaps) Finding {
	var ev []EvidenceItem
	for _, it := range g.items {
		ev = append(ev, EvidenceItem{Key: it.key, URL: it.url, Note: "no team owns it"})
	}
	n := g.wip + g.merged
	return Finding{Pattern: "ownership_gap", Severity: Info, Team: "", SubjectKind: "team", Subject: "unowned", Score: 0,
		Summary:  fmt.Sprintf("%s in progress or merged in the window belong to no team: map their projects, components or repositories to a team in the config.", plural(n, "item")),
		Evidence: Evidence{Values: map[string]float64{"items": float64(n)}, Items: ev}}
}

// gapItems counts, per team, the window's issues in progress and merged
// pull requests and the gaps among them, and lists the first gapListed
// items of each team in key order (its gaps; every item of the unowned
// work, team ""): the counts and lists are taken in SQL, a few hundred
// rows come back instead of every item.
func gapItems(ctx context.Context, env *Env) (map[string]*teamGaps, error) {
	q := `WITH prog AS (
	SELECT DISTINCT item_id FROM v_status_intervals
	WHERE state_class NOT IN ('new', 'done') AND key NOT LIKE '%#%'
		AND start_at < $2 AND coalesce(end_at, $3) > $1
),
held AS (
	SELECT DISTINCT item_id FROM v_wip_spans WHERE start_at < $2 AND coalesce(end_at, $3) > $1
),
work AS (
	SELECT coalesce(it.team, '') AS team, it.key, coalesce(it.url, '') AS url, 'issue' AS kind, h.item_id IS NULL AS gap
	FROM prog JOIN items it USING (item_id) LEFT JOIN held h USING (item_id)
	UNION ALL
	SELECT coalesce(team, ''), key, coalesce(url, ''), 'pull_request', unreviewed_merge
	FROM v_pr_phases WHERE merged_at >= $1 AND merged_at < $2 AND NOT author_bot
)
SELECT team, NULL AS key, NULL AS url, NULL AS kind,
	count(*) FILTER (WHERE kind = 'issue'), count(*) FILTER (WHERE kind = 'issue' AND gap),
	count(*) FILTER (WHERE kind <> 'issue'), count(*) FILTER (WHERE kind <> 'issue' AND gap)
FROM work GROUP BY team
UNION ALL
SELECT * FROM (
	SELECT team, key, url, kind, NULL, NULL, NULL, NULL FROM work WHERE gap OR team = ''
	QUALIFY row_number() OVER (PARTITION BY team ORDER BY key, kind) <= ` + fmt.Sprint(gapListed) + `)
ORDER BY 1, 2 NULLS FIRST, 4`
	out := map[string]*teamGaps{}
	err := queryEach(ctx, env.DB, q, windowArgs(env), func(scan func(...any) error) error {
		var team string
		var key, url, kind *string
		var wip, unassigned, merged, unreviewed *int
		if err := scan(&team, &key, &url, &kind, &wip, &unassigned, &merged, &unreviewed); err != nil {
			return err
		}
		if key == nil { // the team's counts, first
			out[team] = &teamGaps{wip: *wip, unassigned: *unassigned, merged: *merged, unreviewed: *unreviewed}
			return nil
		}
		g := out[team]
		g.items = append(g.items, gapItem{key: *key, url: *url, kind: *kind})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ownership gaps: %w", err)
	}
	return out, nil
}
