package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// arrival is the creation of one Jira issue; keys are numbered in arrival
// order, so they are known before the issue is simulated.
type arrival struct {
	at   time.Time
	epic bool
	// unplanned work arrives during the scope stretch on top of the
	// team's pace and is pulled into the running sprint.
	unplanned bool
}

// partner is a planted cross-team dependency: the waiting issue (n in the
// waiting team) is blocked by a blocker issue from linkAt until blockerDone.
type partner struct {
	blockerKey, blockerID string
	waiting, linkID       int // waiting issue number in the waiting team; link id
	linkAt, blockerDone   time.Time
}

func (g *gen) planArrivals() {
	start := g.spec.Start()
	for t := range g.org.teams {
		var as []arrival
		for q := 0; q*3 < g.spec.Months; q++ {
			d := start.AddDate(0, 3*q, 0)
			for d.Weekday() != time.Monday {
				d = d.AddDate(0, 0, 1)
			}
			as = append(as, arrival{at: d.Add(8*time.Hour + 30*time.Minute), epic: true})
		}
		for m := range g.spec.Months {
			r := newRand(g.spec.Seed, 10, uint64(t), uint64(m))
			from := start.AddDate(0, m, 0)
			for range g.spec.ItemsPerTeamMonth {
				as = append(as, arrival{at: workInstant(r, from, from.AddDate(0, 1, 0))})
			}
		}
		if t == teamPlatform {
			as = append(as, g.unplannedArrivals()...)
		}
		slices.SortStableFunc(as, func(a, b arrival) int { return a.at.Compare(b.at) })
		g.arrivals = append(g.arrivals, as)
	}
}

// runJira simulates and writes every team's issues, team by team in key
// order. The blocking team comes before the waiting team, so a waiting
// issue knows when its blocker is done.
func (g *gen) runJira() error {
	w, err := createLines(g.path("jira", "issues.jsonl"))
	if err != nil {
		return err
	}
	for t := range g.org.teams {
		var epic *jIssueRef
		for i, a := range g.arrivals[t] {
			r := newRand(g.spec.Seed, 11, uint64(t), uint64(i))
			it := g.newItem(t, i+1, a, r)
			it.unplanned = a.unplanned
			if a.epic {
				g.simEpic(it, r)
				epic = &jIssueRef{ID: issueID(t, it.n), Key: it.key(), Self: jiraBase + "/rest/api/2/issue/" + issueID(t, it.n)}
				g.lastEpic[t] = it.key()
			} else {
				it.epic = epic
				g.simWork(it, r)
			}
			issue, st := g.build(it)
			g.observe(it, st)
			w.put(issue)
			g.res.JiraIssues++
		}
	}
	return w.close()
}

var verbs = []string{"Add", "Fix", "Refactor", "Speed up", "Document", "Migrate", "Validate", "Expose", "Clean up", "Harden"}
var nouns = []string{"login flow", "billing export", "search index", "retry policy", "audit log", "settings page",
	"feature flags", "checkout form", "event schema", "cache layer", "rate limiter", "push notifications"}

func (g *gen) newItem(t, n int, a arrival, r *rand.Rand) *jiraItem {
	o := g.org
	tm := &o.teams[t]
	it := &jiraItem{team: tm, n: n, created: a.at, reporter: o.member(t, r.IntN(len(tm.Members))), assignee: -1,
		priority: r.IntN(3)}
	switch {
	case a.epic:
		it.ty = tyEpic
		it.summary = fmt.Sprintf("%s: %s (%s)", titleCase(tm.Name), nouns[r.IntN(len(nouns))], a.at.Format("2006 Jan"))
	case r.Float64() < o.rates(t).bugShare:
		it.ty, it.labels = tyBug, []string{"bug"}
		it.summary = fmt.Sprintf("%s breaks on %s", nouns[r.IntN(len(nouns))], []string{"Safari", "empty input", "retry", "timeout"}[r.IntN(4)])
	default:
		it.ty = tyStory
		it.summary = verbs[r.IntN(len(verbs))] + " " + nouns[r.IntN(len(nouns))]
		pts := float64([]int{1, 2, 3, 5, 8}[r.IntN(5)])
		it.points = &pts
	}
	if !a.epic && g.spec.End.Sub(a.at) < 120*24*time.Hour {
		switch t {
		case teamMobile:
			it.labels = append(it.labels, "offline-mode")
		case teamGrowth:
			it.labels = append(it.labels, "onboarding")
		}
	}
	return it
}

func (g *gen) simEpic(it *jiraItem, r *rand.Rand) {
	lead := g.org.member(it.team.idx, 0)
	it.assignee = lead
	start := addWork(it.created, between(r, 8, 24))
	it.move(start, lead, stToDo, stInProgress)
	done := it.created.AddDate(0, 3, -4)
	it.move(toWork(done), lead, stInProgress, stDone)
}

// pickAssignee draws the owner of a work item available at 'at'. Product
// owners (deciders) take none; during the WIP stretch the overloaded
// person takes most of her team's work.
func (g *gen) pickAssignee(t int, r *rand.Rand, at time.Time) int {
	o := g.org
	if o.overloaded >= 0 && o.people[o.overloaded].Team == t && g.in(famWIP, at) && r.Float64() < 0.8 {
		return o.overloaded
	}
	var cands []int
	for _, p := range o.teams[t].Members {
		if p == o.slowDecider && len(o.teams[t].Members) > 1 {
			continue
		}
		cands = append(cands, p)
	}
	return cands[r.IntN(len(cands))]
}

// take books the earliest of the first k slots of person p from ready on
// and returns when the work starts. A person's slot count may change over
// time (the WIP stretch), so the slots grow to the largest k asked.
func (g *gen) take(p, k int, ready time.Time, hours float64) time.Time {
	if n := len(g.slots[p]); n < k {
		g.slots[p] = append(g.slots[p], make([]time.Time, k-n)...)
	}
	s := g.slots[p][:k]
	i := 0
	for j := range s {
		if s[j].Before(s[i]) {
			i = j
		}
	}
	start := toWork(ready)
	if s[i].After(start) {
		start = toWork(s[i])
	}
	s[i] = addWork(start, hours)
	return start
}

func (g *gen) simWork(it *jiraItem, r *rand.Rand) {
	o, tm, t := g.org, it.team, it.team.idx
	lead := o.member(t, 0)
	avail := it.created
	if p, ok := g.partners[it.n]; ok && t == teamGrowth {
		avail = g.waitForBlocker(it, r, p, lead)
	}
	rt := g.ratesAt(t, avail)
	it.stalled = t == teamMobile && g.in(famStalled, avail)
	var blocks *partner
	if t == teamData && it.ty == tyStory && g.in(famDependency, it.created) && r.Float64() < 0.9 {
		if blocks = g.pairBlocker(it); blocks != nil {
			avail = addWork(blocks.linkAt, between(r, 40, 90))
		}
	}
	si, addAt := -1, time.Time{}
	if cur := tm.sprintAt(avail); cur >= 0 && blocks == nil && it.unplanned {
		si, addAt = cur, avail.Add(20*time.Minute)
		if !addAt.After(g.spec.End) {
			g.truth.scopeChanged(it.key(), tm.Sprints[cur])
		}
	} else if nx := tm.nextSprint(avail); nx >= 0 {
		si, addAt = nx, tm.Sprints[nx].Start.Add(-30*time.Minute)
	}
	if si < 0 {
		return
	}
	it.add(addAt, lead, sprintItem(tm, nil, []int{si}))
	si = g.deprioritise(it, r, si, lead)
	// The owner is drawn for the sprint the item is planned in, so the
	// WIP stretch holds the work planned during it.
	planned := maxTime(addAt, tm.Sprints[si].Start)
	owner := g.pickAssignee(t, r, planned)
	if r.Float64() < 0.8 || t == teamWeb {
		it.assignee = owner
	}
	ready := addWork(planned, between(r, 0, 4))
	active := skewed(r, rt.active[0], rt.active[1])
	if r.Float64() < rt.bigShare {
		active = between(r, rt.big[0], rt.big[1])
	}
	slots := rt.slots
	if owner == o.overloaded && g.in(famWIP, planned) {
		active, slots = between(r, 100, 180), 10
	}
	start := g.take(owner, slots, ready, active)
	if it.assignee < 0 {
		it.add(start, owner, o.assignItem(-1, owner))
	}
	it.move(start, owner, stToDo, stInProgress)
	done := g.simFlow(it, r, rt, owner, start, active)
	if blocks != nil {
		blocks.blockerDone = done
		g.partners[blocks.waiting] = *blocks
	}
	g.carryOver(it, si, done, lead)
}

// simFlow plays the item from the start of active work to Done and returns
// when it is done.
func (g *gen) simFlow(it *jiraItem, r *rand.Rand, rt rates, owner int, start time.Time, active float64) time.Time {
	o, t := g.org, it.team.idx
	cur, worker := start, owner
	if r.Float64() < rt.shortBlock {
		b := addWork(cur, active*between(r, 0.2, 0.6))
		it.move(b, worker, stInProgress, stBlocked)
		cur = addWork(b, between(r, 2, 12))
		it.move(cur, worker, stBlocked, stInProgress)
	}
	churn := r.Float64() < rt.churn
	handoffs := 0
	switch {
	case churn:
		handoffs = 4 + r.IntN(3)
	case r.Float64() < rt.reassign:
		handoffs = 1
	}
	end := addWork(start, active)
	for h := range handoffs {
		at := start.Add(time.Duration(float64(end.Sub(start)) * float64(h+1) / float64(handoffs+2)))
		next := o.member(t, r.IntN(len(o.teams[t].Members)))
		if next == worker || next == o.slowDecider {
			next = o.member(t, (slices.Index(o.teams[t].Members, worker)+1)%len(o.teams[t].Members))
		}
		it.add(toWork(at), worker, o.assignItem(worker, next))
		worker = next
	}
	cur = maxTime(cur, end)
	it.move(cur, worker, stInProgress, stInReview)
	bounces := 0
	switch {
	case churn:
		bounces = 3 + r.IntN(2)
	case r.Float64() < rt.bounce:
		bounces = 1
	}
	for range bounces {
		cur = addWork(cur, between(r, 2, 6))
		it.move(cur, worker, stInReview, stInProgress)
		cur = addWork(cur, between(r, 3, 8))
		it.move(cur, worker, stInProgress, stInReview)
	}
	cur = addWork(cur, skewed(r, rt.review[0], rt.review[1]))
	if rt.decider >= 0 && (it.ty != tyBug || rt.decideBugs) && r.Float64() < rt.decide {
		it.move(cur, worker, stInReview, stAwaiting)
		cur = addWork(cur, between(r, rt.decideHours[0], rt.decideHours[1]))
		it.move(cur, rt.decider, stAwaiting, stDone)
		return cur
	}
	it.move(cur, worker, stInReview, stDone)
	return cur
}

// carryOver moves an unfinished item into the next sprint when its sprint
// is completed, as Jira does: the Sprint field keeps the closed sprints.
func (g *gen) carryOver(it *jiraItem, si int, done time.Time, lead int) {
	tm := it.team
	sp := []int{si}
	for k := si; k+1 < len(tm.Sprints) && tm.Sprints[k].Complete.Before(done); k++ {
		next := append(slices.Clone(sp), k+1)
		it.add(tm.Sprints[k].Complete, lead, sprintItem(tm, sp, next))
		sp = next
	}
}

// pairBlocker plants a dependency: the blocker item blocks the next growth
// item created a day or more after it. It returns nil when no growth item
// is left in time.
func (g *gen) pairBlocker(it *jiraItem) *partner {
	if len(g.arrivals) <= teamGrowth {
		return nil
	}
	as := g.arrivals[teamGrowth]
	for ; g.growthNext < len(as); g.growthNext++ {
		a := as[g.growthNext]
		if a.epic || a.at.Before(it.created.Add(24*time.Hour)) {
			continue
		}
		if a.at.After(g.spec.End.AddDate(0, 0, -7)) {
			return nil
		}
		n := g.growthNext + 1
		g.growthNext++
		g.linkID++
		p := &partner{blockerKey: it.key(), blockerID: issueID(it.team.idx, it.n), waiting: n, linkID: 10000 + g.linkID,
			linkAt: addWork(a.at, 2)}
		waiting := fmt.Sprintf("%s-%d", g.org.teams[teamGrowth].Project, n)
		wid := issueID(teamGrowth, n)
		it.links = append(it.links, jLink{ID: fmt.Sprint(p.linkID), Self: fmt.Sprintf("%s/rest/api/2/issueLink/%d", jiraBase, p.linkID),
			Type:         blocksType(),
			OutwardIssue: &jIssueRef{ID: wid, Key: waiting, Self: jiraBase + "/rest/api/2/issue/" + wid}})
		it.add(p.linkAt, g.org.member(teamGrowth, 0), linkItem("This issue blocks", waiting))
		g.truth.blocker(it.key(), p.linkAt)
		return p
	}
	return nil
}

func blocksType() jLinkType {
	return jLinkType{ID: "10000", Name: "Blocks", Inward: "is blocked by", Outward: "blocks", Self: jiraBase + "/rest/api/2/issueLinkType/10000"}
}

// waitForBlocker blocks a growth item until its data blocker is done and
// returns when it can be planned.
func (g *gen) waitForBlocker(it *jiraItem, r *rand.Rand, p partner, lead int) time.Time {
	linker := g.org.member(teamGrowth, 0)
	it.links = append(it.links, jLink{ID: fmt.Sprint(p.linkID), Self: fmt.Sprintf("%s/rest/api/2/issueLink/%d", jiraBase, p.linkID),
		Type:        blocksType(),
		InwardIssue: &jIssueRef{ID: p.blockerID, Key: p.blockerKey, Self: jiraBase + "/rest/api/2/issue/" + p.blockerID}})
	it.add(p.linkAt, linker, statusItem(stToDo, stBlocked), linkItem("This issue is blocked by", p.blockerKey), flagItem(true))
	u := addWork(p.blockerDone, between(r, 1, 4))
	it.add(u, lead, statusItem(stBlocked, stToDo), flagItem(false))
	g.truth.waited(it.key(), p.linkAt, u)
	return u
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// unplannedArrivals doubles the platform team's pace during the scope
// stretch with work that cannot wait for the next sprint.
func (g *gen) unplannedArrivals() []arrival {
	s, ok := g.stretches[famScope]
	if !ok {
		return nil
	}
	n := int(float64(g.spec.ItemsPerTeamMonth) * s.to.Sub(s.from).Hours() / (24 * 30.44))
	r := newRand(g.spec.Seed, 12)
	out := make([]arrival, n)
	for k := range out {
		out[k] = arrival{at: workInstant(r, s.from, s.to), unplanned: true}
	}
	return out
}

// deprioritise plays the other half of the scope stretch: a fifth of the
// platform items committed to a sprint that starts during it are taken out
// of it within its first week, to make room for the unplanned work, and
// moved to the next sprint. It returns the sprint the item is worked in.
func (g *gen) deprioritise(it *jiraItem, r *rand.Rand, si, lead int) int {
	tm := it.team
	if tm.idx != teamPlatform || it.unplanned || si+1 >= len(tm.Sprints) || !g.in(famScope, tm.Sprints[si].Start) ||
		r.Float64() >= 0.2 {
		return si
	}
	at := addWork(tm.Sprints[si].Start, between(r, 4, 40))
	if at.After(g.spec.End) {
		return si
	}
	it.add(at, lead, sprintItem(tm, []int{si}, []int{si + 1}))
	g.truth.scopeChanged(it.key(), tm.Sprints[si])
	return si + 1
}
