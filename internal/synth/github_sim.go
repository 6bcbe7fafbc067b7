package synth

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Kinds of GitHub arrivals.
const (
	ghPull = iota
	ghIssue
	ghBotPull
)

type ghArrival struct {
	at         time.Time
	team, kind int
	seq        int
}

// request is one review request: to a person, or to a team (byTeam) and
// then picked up by one of its members.
type request struct {
	at       time.Time
	reviewer int // person asked, or the member who picks up a team request
	byTeam   bool
	team     int
	reReq    bool
	// removed is when the request was withdrawn unanswered (zero: never).
	removed time.Time
}

type review struct {
	at       time.Time
	reviewer int
	state    string
	id       int64
	comments int
}

// pullSim is one pull request while its life is simulated.
type pullSim struct {
	team, number   int
	author         int
	created, ready time.Time
	draft          bool
	requests       []request
	reviews        []review
	merged, closed time.Time
	mergedBy       int
	labels         []string
	assigned       bool
	jiraKey        string
	comments       []time.Time
	unreviewed     bool // planted: merged with no review
}

func (g *gen) ghArrivals() []ghArrival {
	start := g.spec.Start()
	var as []ghArrival
	for t := range g.org.teams {
		seq := 0
		for m := range g.spec.Months {
			r := newRand(g.spec.Seed, 20, uint64(t), uint64(m))
			from, to := start.AddDate(0, m, 0), start.AddDate(0, m+1, 0)
			n := g.spec.PRsPerTeamMonth
			issues := max(1, g.spec.ItemsPerTeamMonth/10)
			for k := range n + issues {
				kind := ghPull
				if k >= n {
					kind = ghIssue
				}
				as = append(as, ghArrival{at: workInstant(r, from, to), team: t, kind: kind})
			}
			if t == teamPlatform || t == teamWeb {
				as = append(as, ghArrival{at: workInstant(r, from, to), team: t, kind: ghBotPull})
			}
		}
		if t == teamMobile {
			as = append(as, g.unreviewedExtra()...)
		}
		for i := range as {
			if as[i].team == t {
				as[i].seq = seq
				seq++
			}
		}
	}
	slices.SortStableFunc(as, func(a, b ghArrival) int { return a.at.Compare(b.at) })
	return as
}

// pickup is when reviewer p looks at a request made at 'at': a base delay
// plus a delay per request already waiting in the reviewer's queue.
func (g *gen) pickup(r *rand.Rand, p int, at time.Time) time.Time {
	base, perQ := 3.0, 1.5
	switch {
	case p == g.org.bottleneck && g.in(famBottleneck, at):
		base, perQ = 20, 4
	case p == g.org.silo:
		base, perQ = 3, 1
	case p == g.org.crossReviewer || g.org.people[p].Team == teamWeb:
		base, perQ = 1, 0.5
	}
	q := g.queues[p][:0]
	for _, t := range g.queues[p] {
		if t.After(at) {
			q = append(q, t)
		}
	}
	// The queue's effect saturates: past a dozen waiting requests people
	// triage, and the simulation stays linear at any size.
	h := (base + perQ*float64(min(len(q), 12))) * between(r, 0.6, 1.4)
	done := addWork(at, h)
	g.queues[p] = append(q, done)
	return done
}

// teammate draws a member of team t other than the excluded people.
func (g *gen) teammate(r *rand.Rand, t int, not ...int) int {
	var c []int
	for _, p := range g.org.teams[t].Members {
		if !slices.Contains(not, p) && p != g.org.slowDecider {
			c = append(c, p)
		}
	}
	if len(c) == 0 {
		return -1
	}
	return c[r.IntN(len(c))]
}

// chooseReviewers lists who is asked to review a pull request of team t.
func (g *gen) chooseReviewers(r *rand.Rand, pr *pullSim) []request {
	o, t, a := g.org, pr.team, pr.author
	var rq []request
	person := func(p int) {
		if p >= 0 && p != a && !slices.ContainsFunc(rq, func(x request) bool { return !x.byTeam && x.reviewer == p }) {
			rq = append(rq, request{at: pr.ready, reviewer: p, team: t})
		}
	}
	byTeam := func() {
		if m := g.teammate(r, t, a); m >= 0 {
			rq = append(rq, request{at: pr.ready, reviewer: m, byTeam: true, team: t})
		}
	}
	switch {
	case a == o.bot:
		byTeam()
		person(g.teammate(r, t, o.bottleneck))
	case (t == teamPlatform || t == teamGrowth) && o.bottleneck >= 0 && a != o.bottleneck && g.in(famBottleneck, pr.ready) &&
		r.Float64() < 0.9:
		person(o.bottleneck)
		if r.Float64() < 0.2 {
			person(g.teammate(r, t, a, o.bottleneck))
		}
	case t == teamData && o.silo >= 0 && a != o.silo && r.Float64() < 0.9:
		person(o.silo)
	default:
		person(g.teammate(r, t, a, o.bottleneck))
		if r.Float64() < 0.4 {
			person(g.teammate(r, t, a, o.bottleneck))
		}
		if t == teamWeb && o.crossReviewer >= 0 && r.Float64() < 0.2 {
			person(o.crossReviewer)
		}
		if r.Float64() < 0.15 {
			byTeam()
		}
	}
	if len(rq) == 0 {
		byTeam()
	}
	return rq
}

// firstState draws the outcome of a first review; churn marks the
// handoff-churn stretch, when payments asks for changes twice as often.
func firstState(r *rand.Rand, t int, churn bool) string {
	x := r.Float64()
	switch {
	case t == teamWeb:
		if x < 0.85 {
			return "APPROVED"
		}
		return "COMMENTED"
	case churn && x < 0.4:
		return "CHANGES_REQUESTED"
	case x < 0.15:
		return "CHANGES_REQUESTED"
	case x < 0.35:
		return "COMMENTED"
	}
	return "APPROVED"
}

func (g *gen) simPull(r *rand.Rand, a ghArrival, number int) *pullSim {
	o := g.org
	pr := &pullSim{team: a.team, number: number, created: a.at, mergedBy: -1}
	if a.kind == ghBotPull {
		pr.author, pr.labels = o.bot, []string{"dependencies"}
	} else {
		pr.author = g.teammate(r, a.team)
		if pr.author < 0 {
			pr.author = o.teams[a.team].Members[0]
		}
		if r.Float64() < 0.3 {
			pr.labels = []string{[]string{"enhancement", "bug", "chore"}[r.IntN(3)]}
		}
		pr.assigned = r.Float64() < 0.5
		pr.jiraKey = g.jiraKeyAt(a.team, a.at, r)
	}
	pr.ready = pr.created
	if a.kind != ghBotPull && r.Float64() < 0.15 {
		pr.draft, pr.ready = true, addWork(pr.created, between(r, 1, 8))
	}
	if a.kind == ghPull && a.team == teamMobile && g.in(famUnreviewed, pr.ready) {
		// The unreviewed-merge stretch: nobody is asked, the author merges.
		pr.merged = addWork(pr.ready, between(r, 0.5, 4))
		pr.closed, pr.mergedBy, pr.unreviewed = pr.merged, pr.author, true
		return pr
	}
	var approved time.Time
	for _, rq := range g.chooseReviewers(r, pr) {
		pr.requests = append(pr.requests, rq)
		approved = maxTime(approved, g.reviewRounds(r, pr, rq))
	}
	if a.kind == ghPull && pr.team != teamWeb && r.Float64() < 0.05 {
		g.swapReviewer(r, pr)
	}
	if slices.Contains([]int{teamPlatform, teamGrowth}, pr.team) && pr.author != o.bot {
		for range 1 + r.IntN(2) {
			p := g.teammate(r, pr.team, pr.author, o.bottleneck)
			if p < 0 {
				break
			}
			st := "APPROVED"
			if r.Float64() < 0.4 {
				st = "COMMENTED"
			}
			pr.reviews = append(pr.reviews, review{at: addWork(pr.ready, between(r, 1, 8)), reviewer: p, state: st})
		}
	}
	if approved.IsZero() {
		approved = pr.ready
	}
	if r.Float64() < 0.05 {
		pr.closed = addWork(pr.ready, between(r, 10, 40))
	} else {
		pr.merged = addWork(approved, between(r, 0.5, 4))
		pr.closed = pr.merged
		pr.mergedBy = pr.author
		if len(pr.requests) > 0 && (pr.author == o.bot || r.Float64() < 0.3) {
			pr.mergedBy = pr.requests[0].reviewer
		}
	}
	for range r.IntN(3) {
		pr.comments = append(pr.comments, addWork(pr.ready, between(r, 0, workHours(pr.ready, pr.closed))))
	}
	slices.SortFunc(pr.comments, func(a, b time.Time) int { return a.Compare(b) })
	slices.SortStableFunc(pr.reviews, func(a, b review) int { return a.at.Compare(b.at) })
	return pr
}

// swapReviewer plants a request withdrawn before any review: the author
// asked the wrong teammate and took the request back a few hours later.
func (g *gen) swapReviewer(r *rand.Rand, pr *pullSim) {
	p := g.teammate(r, pr.team, pr.author, g.org.bottleneck)
	if p < 0 {
		return
	}
	pr.requests = append(pr.requests, request{at: pr.ready, reviewer: p, team: pr.team,
		removed: addWork(pr.ready, between(r, 0.5, 3))})
}

// reviewRounds plays one request: pickup, changes requested and re-review
// rounds, until approval. It returns when the reviewer approved.
func (g *gen) reviewRounds(r *rand.Rand, pr *pullSim, rq request) time.Time {
	at := g.pickup(r, rq.reviewer, rq.at)
	churn := pr.team == teamPayments && g.in(famHandoff, pr.ready)
	st := firstState(r, pr.team, churn)
	for round := 0; ; round++ {
		rv := review{at: at, reviewer: rq.reviewer, state: st}
		if st != "APPROVED" {
			rv.comments = 1 + r.IntN(2)
		}
		pr.reviews = append(pr.reviews, rv)
		switch st {
		case "APPROVED":
			return at
		case "COMMENTED":
			at, st = addWork(at, between(r, 1, 6)), "APPROVED"
			continue
		}
		fix := addWork(at, between(r, 2, 10))
		pr.requests = append(pr.requests, request{at: fix, reviewer: rq.reviewer, byTeam: rq.byTeam, team: rq.team, reReq: true})
		at = g.pickup(r, rq.reviewer, fix)
		st = "APPROVED"
		if churn && round == 0 && r.Float64() < 0.3 {
			st = "CHANGES_REQUESTED"
		}
	}
}

// jiraKeyAt names a Jira issue of team t created before 'at', for titles
// and branch names.
func (g *gen) jiraKeyAt(t int, at time.Time, r *rand.Rand) string {
	as := g.arrivals[t]
	n, _ := slices.BinarySearchFunc(as, at, func(a arrival, t time.Time) int { return a.at.Compare(t) })
	if n == 0 {
		return ""
	}
	return g.org.teams[t].Project + "-" + itoa(max(1, n-r.IntN(min(n, 15))))
}

// unreviewedMin is the fewest pull requests merged without review that the
// stretch plants; the repository's own pace is topped up to it.
const unreviewedMin = 16

// unreviewedExtra tops the mobile repository's pull requests inside the
// unreviewed-merge stretch up to unreviewedMin.
func (g *gen) unreviewedExtra() []ghArrival {
	s, ok := g.stretches[famUnreviewed]
	if !ok || teamMobile >= len(g.org.teams) {
		return nil
	}
	// Arrivals are spread evenly over the months, so the stretch holds
	// about its share of them.
	per := float64(g.spec.PRsPerTeamMonth) * s.to.Sub(s.from).Hours() / (24 * 30.44)
	r := newRand(g.spec.Seed, 22)
	var out []ghArrival
	for k := int(per); k < unreviewedMin; k++ {
		out = append(out, ghArrival{at: workInstant(r, s.from, s.to), team: teamMobile, kind: ghPull})
	}
	return out
}
