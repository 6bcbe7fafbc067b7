package analysis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

func init() { Register(silo{}) }

// silo is the silo module.
//
// Repositories whose reviews rest on one person: per repository, over the
// reviews submitted in the window (bots and self-reviews left out), the
// share of the most frequent reviewer and the bus factor (fewest reviewers
// covering half the reviews). With at least Thresholds.MinSample reviews
// and a top share of at least Thresholds.ReviewerShare (default 0.5) it is
// a finding on the repository: warn, critical from 0.75; score = share.
//
// Teams closed to the others: per team, the share of reviews on its pull
// requests by people of other teams (cross_team_review_share). Louvain
// communities (gonum community.Modularize, fixed seed) of the undirected
// author-reviewer graph are compared with the declared teams; a team whose
// cross-team share is below Thresholds.CrossTeamShare (default 0.1) and
// whose members form a community of their own is an info finding.
type silo struct{}

var _ Module = silo{}

func (silo) Name() string { return "silo" }

func (silo) Explain() string {
	return `silo: knowledge and collaboration that stay with one person or one team.
Per repository, from the reviews submitted in the window (bots and self-reviews left out): the
top reviewer's share of reviews and the bus factor (fewest reviewers covering half of them).
At least min_sample (default 5) reviews and a top share of at least reviewer_share (default 0.5):
warn, critical from 0.75; score = the share.
Per team: cross_team_review_share = share of reviews on its pull requests by other teams'
people. Louvain communities (gonum, fixed seed) of the author-reviewer graph are set against
the declared teams; a team below cross_team_share (default 0.1) whose members form their own
community is reported as info. Metrics: cross_team_review_share per team, review_bus_factor and
top_reviewer_share per repository, collaboration_modularity for the org.`
}

type submitted struct {
	key, url, repo, repoTeam, reviewer, reviewerTeam, author, authorTeam string
}

func (m silo) Run(ctx context.Context, env *Env) (Result, error) {
	th := WithDefaults(env.Thresholds)
	revs, err := windowReviews(ctx, env)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if len(revs) == 0 {
		res.NotEnoughData = append(res.NotEnoughData, "all: no reviews in the window")
		return res, nil
	}
	repoFindings(&res, env, revs, th.MinSample, th.ReviewerShare)
	teamSilos(&res, revs, th.MinSample, th.CrossTeamShare)
	return res, nil
}

func windowReviews(ctx context.Context, env *Env) ([]submitted, error) {
	// The teams of reviewer and author at the review are team_at's rule
	// (the alphabetically first team the person was a member of then, else
	// their current team) taken set-wise: once per person and instant in
	// one join, not as correlated subqueries per row.
	const q = `WITH owner AS (SELECT value AS repo, min(team) AS team FROM team_ownership WHERE kind = 'repo' GROUP BY 1),
rv AS (
	SELECT r.review_id, r.submitted_at, it.key, coalesce(it.url, '') AS url, p.repo,
		coalesce(o.team, it.team, '') AS repo_team, v.person_id AS reviewer, a.person_id AS author
	FROM reviews r JOIN pull_requests p USING (item_id) JOIN items it USING (item_id)
	JOIN v_identity v ON v.identity_id = r.reviewer_id
	LEFT JOIN v_identity a ON a.identity_id = p.author_id
	LEFT JOIN owner o ON o.repo = p.repo
	WHERE r.submitted_at >= $1 AND r.submitted_at < $2 AND NOT v.is_bot
		AND v.person_id IS DISTINCT FROM a.person_id
),
team_then AS (
	SELECT x.person, x.at, coalesce(
		min(m.team) FILTER (WHERE (m.since IS NULL OR m.since <= x.at) AND (m.until IS NULL OR m.until > x.at)),
		min(m.team) FILTER (WHERE m.until IS NULL)) AS team
	FROM (SELECT reviewer AS person, submitted_at AS at FROM rv UNION SELECT author, submitted_at FROM rv WHERE author IS NOT NULL) x
	JOIN team_members m ON m.person_id = x.person
	GROUP BY x.person, x.at
)
SELECT rv.key, rv.url, rv.repo, rv.repo_team, rv.reviewer, coalesce(tr.team, ''), coalesce(rv.author, ''), coalesce(ta.team, '')
FROM rv LEFT JOIN team_then tr ON tr.person = rv.reviewer AND tr.at = rv.submitted_at
LEFT JOIN team_then ta ON ta.person = rv.author AND ta.at = rv.submitted_at
ORDER BY rv.repo, rv.submitted_at, rv.review_id`
	var out []submitted
	err := queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		var s submitted
		if err := scan(&s.key, &s.url, &s.repo, &s.repoTeam, &s.reviewer, &s.reviewerTeam, &s.author, &s.authorTeam); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reviews in the window: %w", err)
	}
	return out, nil
}

// repoFindings flags the repositories whose reviews rest on one person.
func repoFindings(res *Result, env *Env, revs []submitted, minSample int, share float64) {
	byRepo := map[string][]submitted{}
	for _, r := range revs {
		byRepo[r.repo] = append(byRepo[r.repo], r)
	}
	for _, repo := range sortedKeys(byRepo) {
		rs := byRepo[repo]
		if len(rs) < minSample {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %s", repo, plural(len(rs), "review")))
			continue
		}
		counts := map[string]int{}
		for _, r := range rs {
			counts[r.reviewer]++
		}
		people := sortedKeys(counts)
		sort.SliceStable(people, func(i, j int) bool { return counts[people[i]] > counts[people[j]] })
		top := float64(counts[people[0]]) / float64(len(rs))
		bus, covered := 0, 0
		for _, p := range people {
			bus++
			covered += counts[p]
			if 2*covered >= len(rs) {
				break
			}
		}
		res.Metrics = append(res.Metrics,
			Metric{ScopeKind: "repo", Scope: repo, Metric: "top_reviewer_share", Period: "all", Value: round2(top), N: len(rs)},
			Metric{ScopeKind: "repo", Scope: repo, Metric: "review_bus_factor", Period: "all", Value: float64(bus), N: len(rs)})
		if top < share {
			continue
		}
		res.Findings = append(res.Findings, busFinding(repo, rs, people[0], counts[people[0]], len(people), bus, top))
	}
}

func busFinding(repo string, rs []submitted, who string, n, reviewers, bus int, top float64) Finding {
	sev := Warn
	if top >= 0.75 {
		sev = Critical
	}
	teams := map[string]int{}
	seen := map[string]bool{}
	var items []EvidenceItem
	for _, r := range rs {
		teams[r.repoTeam]++
		if r.reviewer == who && !seen[r.key] {
			seen[r.key] = true
			items = append(items, EvidenceItem{Key: r.key, URL: r.url, Note: "reviewed by the top reviewer"})
		}
	}
	team := ""
	for _, t := range sortedKeys(teams) {
		if t != "" && (team == "" || teams[t] > teams[team]) {
			team = t
		}
	}
	if len(items) > 20 {
		items = items[len(items)-20:]
	}
	return Finding{Pattern: "silo", Severity: sev, Team: team, SubjectKind: "repo", Subject: repo, Score: round2(top),
		Summary: fmt.Sprintf("%.0f%% of the %d reviews in %s come from one person (%s in all; half the reviews rest on %s).",
			100*top, len(rs), repo, plural(reviewers, "reviewer"), plural(bus, "person")),
		Evidence: Evidence{Values: map[string]float64{"reviews": float64(len(rs)), "top_reviewer_reviews": float64(n),
			"top_reviewer_share": round2(top), "reviewers": float64(reviewers), "bus_factor": float64(bus)},
			Items: items, People: []string{who}}}
}

// teamSilos measures cross-team review and sets Louvain communities of the
// collaboration graph against the declared teams.
func teamSilos(res *Result, revs []submitted, minSample int, limit float64) {
	total, cross := map[string]int{}, map[string]int{}
	for _, r := range revs {
		if r.authorTeam == "" {
			continue
		}
		total[r.authorTeam]++
		if r.reviewerTeam != r.authorTeam {
			cross[r.authorTeam]++
		}
	}
	own, q := ownCommunities(revs)
	res.Metrics = append(res.Metrics, Metric{ScopeKind: "org", Scope: "org", Metric: "collaboration_modularity", Period: "all",
		Value: round2(q), N: len(revs)})
	for _, t := range sortedKeys(total) {
		if total[t] < minSample {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("team %s: %s on its pull requests", t, plural(total[t], "review")))
			continue
		}
		s := float64(cross[t]) / float64(total[t])
		res.Metrics = append(res.Metrics, Metric{ScopeKind: "team", Scope: t, Metric: "cross_team_review_share", Period: "all",
			Value: round2(s), N: total[t]})
		if s >= limit || !own[t] {
			continue
		}
		res.Findings = append(res.Findings, Finding{Pattern: "silo", Severity: Info, Team: t, SubjectKind: "team", Subject: t,
			Score: round2(1 - s/limit),
			Summary: fmt.Sprintf("Only %.0f%% of the %d reviews on %s pull requests come from other teams (expected at least %.0f%%), and its people form a review community of their own.",
				100*s, total[t], possessive(t), 100*limit),
			Evidence: Evidence{Values: map[string]float64{"reviews": float64(total[t]), "cross_team_reviews": float64(cross[t]),
				"cross_team_share": round2(s)}}})
	}
}

// ownCommunities runs Louvain (seed 1) on the undirected author-reviewer
// graph weighted by review counts. A team is "own" when one community holds
// all of its people and nobody else. q is the modularity of the declared
// teams as a partition of the graph (higher: teams review among themselves).
func ownCommunities(revs []submitted) (own map[string]bool, q float64) {
	ids, team := map[string]int64{}, map[int64]string{}
	g := simple.NewWeightedUndirectedGraph(0, 0)
	node := func(p, t string) int64 {
		id, ok := ids[p]
		if !ok {
			id = int64(len(ids))
			ids[p] = id
			g.AddNode(simple.Node(id))
		}
		if t != "" {
			team[id] = t
		}
		return id
	}
	for _, r := range revs {
		if r.author == "" {
			continue
		}
		a, b := node(r.author, r.authorTeam), node(r.reviewer, r.reviewerTeam)
		w := 1.0
		if e := g.WeightedEdge(a, b); e != nil {
			w += e.Weight()
		}
		g.SetWeightedEdge(g.NewWeightedEdge(simple.Node(a), simple.Node(b), w))
	}
	own = map[string]bool{}
	if len(ids) < 2 {
		return own, 0
	}
	comms := community.Modularize(g, 1, rand.NewPCG(1, 1)).Communities()
	for _, c := range comms {
		ts := map[string]bool{}
		for _, n := range c {
			ts[team[n.ID()]] = true
		}
		if len(ts) == 1 {
			for t := range ts {
				if t != "" && membersOf(team, t) == len(c) {
					own[t] = true
				}
			}
		}
	}
	byTeam := map[string][]graph.Node{}
	for id := range team {
		byTeam[team[id]] = append(byTeam[team[id]], simple.Node(id))
	}
	var parts [][]graph.Node
	var unteamed []graph.Node
	for _, id := range ids {
		if team[id] == "" {
			unteamed = append(unteamed, simple.Node(id))
		}
	}
	for _, t := range sortedKeys(byTeam) {
		parts = append(parts, byTeam[t])
	}
	if len(unteamed) > 0 {
		parts = append(parts, unteamed)
	}
	return own, community.Q(g, parts, 1)
}

func membersOf(team map[int64]string, t string) int {
	n := 0
	for _, x := range team {
		if x == t {
			n++
		}
	}
	return n
}
