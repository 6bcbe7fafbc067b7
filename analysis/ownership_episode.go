package analysis

import (
	"context"
	"fmt"
	"time"
)

// Merges without an approving review, per repository. The plan's
// unreviewed_merges agreement (else the config threshold) is the limit: over the window, a repository
// with more merges without an approving review (by someone other than the
// author, bots' pull requests left out) than the target is at least warn;
// per week, from the lookback's start, a stretch of weeks with more such
// merges than the target lasting the family's minimum duration (one quiet
// week joined) is an episode. With neither there is no count to
// hold them against, and the team's gap share judges ownership alone.

type repoMerge struct {
	team, key, url string
	at             time.Time
	unapproved     bool
}

// repoMergesSQL lists the merged pull requests (bots' left out) from $1
// to $2 with whether they lacked an approving review before the merge.
const repoMergesSQL = `SELECT repo, coalesce(team, ''), key, coalesce(url, ''), merged_at, unreviewed_merge
FROM v_pr_phases WHERE merged_at >= $1 AND merged_at < $2 AND NOT author_bot AND repo IS NOT NULL
ORDER BY repo, merged_at, key`

func repoMerges(ctx context.Context, env *Env) (map[string][]repoMerge, error) {
	out := map[string][]repoMerge{}
	err := queryEach(ctx, env.DB, repoMergesSQL, []any{lookbackFrom(env).UTC(), env.To.UTC()},
		func(scan func(...any) error) error {
			var repo string
			var m repoMerge
			if err := scan(&repo, &m.team, &m.key, &m.url, &m.at, &m.unapproved); err != nil {
				return err
			}
			out[repo] = append(out[repo], m)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("merges without approving review per repository: %w", err)
	}
	return out, nil
}

// unapprovedFindings adds a finding per repository whose merges without an
// approving review break the plan's unreviewed_merges agreement over the
// window or in an episode reaching into it.
func unapprovedFindings(ctx context.Context, env *Env, res *Result) error {
	target, ok := unreviewedLimit(env)
	if !ok {
		return nil
	}
	merges, err := repoMerges(ctx, env)
	if err != nil {
		return err
	}
	weeks := weekStarts(env)
	for _, repo := range sortedKeys(merges) {
		series := make([]Point, len(weeks))
		for i, wk := range weeks {
			series[i] = Point{At: wk}
		}
		var merged, unapproved int
		var items []EvidenceItem
		teams := map[string]int{}
		for _, m := range merges[repo] {
			inWindow := !m.at.Before(env.From)
			if inWindow {
				merged++
				teams[m.team]++
			}
			if !m.unapproved {
				continue
			}
			if i := weekIndex(weeks, m.at); i >= 0 {
				series[i].Value++
			}
			if inWindow {
				unapproved++
				items = append(items, EvidenceItem{Key: m.key, URL: m.url, Note: "merged " + m.at.Format(time.DateOnly) + " without an approving review"})
			}
		}
		ep, windowWeeks, inEpisode := weekEpisode(env, "ownership_gap", series, target)
		if float64(unapproved) <= target && !inEpisode {
			continue
		}
		f := unapprovedFinding(repo, mostOf(teams), merged, unapproved, target, items)
		if inEpisode {
			f.holdEpisode(ep, series, windowWeeks, 0, fmt.Sprintf(
				"Merges without an approving review kept coming, %s, in %s from the week of %s, the most in the week of %s (%s); %s.",
				aboveTarget(target), plural(ep.Periods, "week"), ep.Start.Format(time.DateOnly),
				ep.Peak.Format(time.DateOnly), plural(int(ep.PeakValue), "merge"), episodeEnd(ep)))
		}
		res.Findings = append(res.Findings, f)
	}
	return nil
}

func unapprovedFinding(repo, team string, merged, unapproved int, target float64, items []EvidenceItem) Finding {
	sev := ladder(float64(unapproved), target, 0)
	share := 0.0
	if merged > 0 {
		share = float64(unapproved) / float64(merged)
	}
	return Finding{Pattern: "ownership_gap", Severity: sev, Team: team, SubjectKind: "repo", Subject: repo,
		Score: round2(share),
		Summary: fmt.Sprintf("%d of %s merged into %s in the window had no approving review; the plan's agreement allows %s.",
			unapproved, plural(merged, "pull request"), repo, num(target)),
		Evidence: Evidence{Values: map[string]float64{"merged_pull_requests": float64(merged),
			"unreviewed_merges": float64(unapproved), "agreement": target, "unreviewed_share": round2(share)},
			Items: topItems(items, 20)}}
}

// aboveTarget says how often merges without approval came against the
// agreement's weekly target.
func aboveTarget(target float64) string {
	if target == 0 {
		return "week after week"
	}
	return "more than " + num(target) + " a week"
}

// mostOf is the key with the highest count, the first in order on a tie.
func mostOf(counts map[string]int) string {
	best := ""
	for _, k := range sortedKeys(counts) {
		if counts[k] > counts[best] {
			best = k
		}
	}
	return best
}
