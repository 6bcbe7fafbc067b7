package analysis

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

func init() { Register(approvalBottleneck{}) }

// approvalBottleneck is the approval_bottleneck module.
//
// Per reviewer (a person; bots left out), over the review requests made in
// the window (v_review_waits): requests received, pickup in working hours
// (request or ready-for-review to that reviewer's first review; requests
// still open count with their age up to now), the reviewer's share of the
// requests of each author team it serves, open requests and the oldest,
// and its betweenness in the author->reviewer graph. The Gini of request
// counts across a team's reviewers measures how concentrated the team's
// review load is.
//
// A reviewer with at least Thresholds.MinSample requests whose median
// pickup exceeds Thresholds.ReviewPickup (default 24h, read as one working
// day) is a finding: warn when it also receives at least bottleneckShare
// (25%) of the requests of a team it serves, critical when the median is
// twice the agreement and the share is at least half, or two teams depend
// on it; info when the waits are long but not concentrated on it.
//
// Episodes (review_episode.go): per reviewer and week, over a lookback
// before the window, the median pickup of the requests waiting on them;
// three weeks above the agreement reaching into the window make the
// reviewer at least warn by the ladder, whatever the window's median.
type approvalBottleneck struct{}

var _ Module = approvalBottleneck{}

// bottleneckShare is the share of a team's review requests that makes a
// slow reviewer that team's bottleneck rather than one slow reviewer.
const bottleneckShare = 0.25

func (approvalBottleneck) Name() string { return "approval_bottleneck" }

func (approvalBottleneck) Explain() string {
	return `approval_bottleneck: review waits that concentrate on one person.
Per reviewer (bots left out), from the review requests made in the window: requests received;
pickup = working hours from the request (or ready-for-review, if later) to that reviewer's first
review, open requests counted with their age so far; share of each author team's requests;
open requests and the oldest; betweenness in the author->reviewer graph; and per team the Gini
of request counts across its reviewers.
A reviewer with at least min_sample (default 5) requests whose median pickup exceeds
review_pickup (default 24h = one working day) is flagged: warn when it also receives at least
25% of some team's requests, critical at twice the agreement with half of a team's requests or
with two teams depending on it, info when waits are long but spread. Score = mean of how far
the median exceeds the agreement (1 - agreement/median) and the largest team share.
Episodes: per reviewer, the weeks in which the requests waiting on them (open at some time that
week; pickup as above, in working days) took a median above the agreement; 3 or more such weeks
(15 working days, one quiet week joined), read over a 120-day lookback so the start is found
whatever the window, make the reviewer at least warn (with min_sample requests over the lookback
and window), critical at twice the agreement or above it for more than half of the window's weeks.
The finding says when it started, peaked and ended (or that it goes on) and holds the weekly timeline.
Metrics: reviewer_gini per author team.`
}

type reviewRequest struct {
	key, url, author, authorTeam, reviewer, reviewerTeam string
	workHours                                            float64
	open                                                 bool
}

type reviewerLoad struct {
	team     string
	waits    []float64
	open     int
	oldest   float64
	byTeam   map[string]int
	requests []reviewRequest
}

func (m approvalBottleneck) Run(ctx context.Context, env *Env) (Result, error) {
	th := limits(env)
	reqs, err := windowRequests(ctx, env)
	if err != nil {
		return Result{}, err
	}
	spans, spanTeams, err := reviewSpans(ctx, env)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if len(reqs) == 0 {
		res.NotEnoughData = append(res.NotEnoughData, "all: no review requests in the window")
	}
	loads, teamTotals := reviewerLoads(reqs)
	between := reviewBetweenness(reqs)
	res.Metrics = reviewerGini(reqs, th.MinSample)
	limit := workThreshold(env, th.ReviewPickup)
	limitDays := limit / dayHours(env)
	for _, who := range sortedUnion(loads, spans) {
		l := loads[who]
		ep, series, weeks, inEpisode := waitEpisode(env, "approval_bottleneck", spans[who], limitDays)
		inEpisode = inEpisode && len(spans[who]) >= th.MinSample
		n := 0
		if l != nil {
			n = len(l.waits)
		}
		if n < th.MinSample && !inEpisode {
			if l != nil {
				res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %s", who, plural(n, "review request")))
			}
			continue
		}
		med := 0.0
		if n > 0 {
			med = Median(l.waits)
		}
		if med <= limit && !inEpisode {
			continue
		}
		f := pickupOnlyFinding(who, spanTeams[who], n)
		if n > 0 {
			f = bottleneckFinding(env, who, l, teamTotals, med, limit, between[who], th.MinSample)
		}
		if inEpisode {
			pickupEpisode(&f, ep, series, weeks, limitDays)
		}
		res.Findings = append(res.Findings, f)
	}
	return res, nil
}

// sortedUnion is the keys of a and b, sorted, each once.
func sortedUnion[A, B any](a map[string]A, b map[string]B) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	return sortedKeys(seen)
}

// windowRequests reads the person review requests made in the window.
func windowRequests(ctx context.Context, env *Env) ([]reviewRequest, error) {
	const q = `SELECT key, coalesce(url, ''), coalesce(author, ''), coalesce(author_team, ''), reviewer,
	coalesce(reviewer_team, ''), coalesce(work_hours, 0), open
FROM v_review_waits
WHERE requested_at >= $1 AND requested_at < $2 AND reviewer NOT LIKE 'team:%' AND NOT coalesce(dropped, false)
ORDER BY reviewer, requested_at, key`
	var out []reviewRequest
	err := queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		var r reviewRequest
		if err := scan(&r.key, &r.url, &r.author, &r.authorTeam, &r.reviewer, &r.reviewerTeam, &r.workHours, &r.open); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("review requests: %w", err)
	}
	return out, nil
}

func reviewerLoads(reqs []reviewRequest) (map[string]*reviewerLoad, map[string]int) {
	loads := map[string]*reviewerLoad{}
	teamTotals := map[string]int{}
	for _, r := range reqs {
		l := loads[r.reviewer]
		if l == nil {
			l = &reviewerLoad{byTeam: map[string]int{}}
			loads[r.reviewer] = l
		}
		if r.reviewerTeam != "" {
			l.team = r.reviewerTeam // the latest request's team
		}
		l.waits = append(l.waits, r.workHours)
		l.requests = append(l.requests, r)
		if r.open {
			l.open++
			l.oldest = max(l.oldest, r.workHours)
		}
		if r.authorTeam != "" {
			l.byTeam[r.authorTeam]++
			teamTotals[r.authorTeam]++
		}
	}
	return loads, teamTotals
}

// servedShares lists the author teams a reviewer serves (at least minSample
// requests from them) with its share of each team's requests, largest first.
func servedShares(l *reviewerLoad, teamTotals map[string]int, minSample int) (teams []string, shares []float64) {
	for _, t := range sortedKeys(l.byTeam) {
		if n := l.byTeam[t]; n >= minSample && teamTotals[t] > 0 {
			teams = append(teams, t)
			shares = append(shares, float64(n)/float64(teamTotals[t]))
		}
	}
	idx := make([]int, len(teams))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return shares[idx[a]] > shares[idx[b]] })
	st, ss := make([]string, len(idx)), make([]float64, len(idx))
	for i, j := range idx {
		st[i], ss[i] = teams[j], shares[j]
	}
	return st, ss
}

func bottleneckFinding(env *Env, who string, l *reviewerLoad, teamTotals map[string]int, med, limit, between float64, minSample int) Finding {
	teams, shares := servedShares(l, teamTotals, minSample)
	var top float64
	var heavy []string
	for i, t := range teams {
		top = max(top, shares[i])
		if shares[i] >= bottleneckShare {
			heavy = append(heavy, t)
		}
	}
	sev := Info
	switch {
	case len(heavy) > 0 && ((med >= 2*limit && top >= 0.5) || len(heavy) >= 2):
		sev = Critical
	case len(heavy) > 0:
		sev = Warn
	}
	lo, hi := BootstrapMedianCI(l.waits, 0.9, 1000, 1)
	day := dayHours(env)
	summary := fmt.Sprintf("Reviews requested from this person wait a median %s (90%% interval %.1f-%.1f working days; agreement %s working day%s)",
		workDays(env, med), lo/day, hi/day, num(limit/day), map[bool]string{true: "", false: "s"}[limit == day])
	if len(heavy) > 0 {
		var parts []string
		for i, t := range teams {
			if shares[i] >= bottleneckShare {
				parts = append(parts, fmt.Sprintf("%.0f%% of %s", 100*shares[i], possessive(t)))
			}
		}
		summary += fmt.Sprintf("; they receive %s review requests", strings.Join(parts, " and "))
	} else {
		summary += "; over the window no team sends a quarter of its review requests here, so the wait stays in this one queue rather than holding up a team"
	}
	summary += fmt.Sprintf(" (%s, %d still open", plural(len(l.waits), "request"), l.open)
	if l.open > 0 {
		summary += ", oldest " + workDays(env, l.oldest)
	}
	summary += ")."
	vals := map[string]float64{"requests": float64(len(l.waits)), "median_pickup_work_hours": round2(med),
		"p85_pickup_work_hours": round2(Quantile(l.waits, 0.85)), "agreement_work_hours": round2(limit),
		"ci90_low_work_hours": round2(lo), "ci90_high_work_hours": round2(hi), "open_requests": float64(l.open),
		"oldest_open_work_hours": round2(l.oldest), "top_team_share": round2(top), "betweenness": round2(between)}
	for i, t := range teams {
		vals["share_of_"+t] = round2(shares[i])
	}
	var items []EvidenceItem
	for _, r := range l.requests {
		note := "waited"
		if r.open {
			note = "still waiting"
		}
		items = append(items, EvidenceItem{Key: r.key, URL: r.url, Value: round2(r.workHours / day), Note: note + " (working days)"})
	}
	return Finding{Pattern: "approval_bottleneck", Severity: sev, Team: l.team, SubjectKind: "person", Subject: who,
		Score: round2((overScore(med, limit) + top) / 2), Summary: summary,
		Evidence: Evidence{Values: vals, Items: topItems(items, 20), People: []string{who}}}
}

// reviewBetweenness is each person's betweenness centrality in the directed
// author->reviewer graph, normalised to 0..1 by (n-1)(n-2).
func reviewBetweenness(reqs []reviewRequest) map[string]float64 {
	ids := map[string]int64{}
	id := func(p string) int64 {
		if v, ok := ids[p]; ok {
			return v
		}
		ids[p] = int64(len(ids))
		return ids[p]
	}
	g := simple.NewDirectedGraph()
	for _, r := range reqs {
		if r.author == "" || r.author == r.reviewer {
			continue
		}
		a, b := id(r.author), id(r.reviewer)
		for _, n := range []int64{a, b} {
			if g.Node(n) == nil {
				g.AddNode(simple.Node(n))
			}
		}
		if !g.HasEdgeFromTo(a, b) {
			g.SetEdge(g.NewEdge(simple.Node(a), simple.Node(b)))
		}
	}
	out := map[string]float64{}
	n := float64(len(ids))
	if n < 3 {
		return out
	}
	bc := network.Betweenness(g)
	for p, v := range ids {
		out[p] = bc[v] / ((n - 1) * (n - 2))
	}
	return out
}

// reviewerGini is, per author team with at least minSample requests, the
// Gini coefficient of request counts across the reviewers it asks.
func reviewerGini(reqs []reviewRequest, minSample int) []Metric {
	counts := map[string]map[string]float64{}
	for _, r := range reqs {
		if r.authorTeam == "" {
			continue
		}
		if counts[r.authorTeam] == nil {
			counts[r.authorTeam] = map[string]float64{}
		}
		counts[r.authorTeam][r.reviewer]++
	}
	var out []Metric
	for _, t := range sortedKeys(counts) {
		var xs []float64
		total := 0
		for _, c := range counts[t] {
			xs = append(xs, c)
			total += int(c)
		}
		if total < minSample {
			continue
		}
		out = append(out, Metric{ScopeKind: "team", Scope: t, Metric: "reviewer_gini", Period: "all", Value: round2(Gini(xs)), N: total})
	}
	return out
}
