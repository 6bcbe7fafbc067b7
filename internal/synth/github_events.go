package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

type evSpec struct {
	at    time.Time
	name  string
	actor int
	fill  func(*gEvent)
}

// emitPullEvents writes the issue events of a pull request, oldest first.
func (g *gen) emitPullEvents(rf *repoFiles, pr *pullSim, p *gPull) {
	o := g.org
	full := g.spec.Owner + "/" + o.teams[pr.team].Repo
	var evs []evSpec
	if pr.assigned {
		evs = append(evs, evSpec{pr.created, "assigned", pr.author, func(e *gEvent) {
			u := o.ghUser(pr.author)
			e.Assignee, e.Assigner = &u, &u
		}})
	}
	for _, l := range pr.labels {
		evs = append(evs, evSpec{pr.created, "labeled", pr.author, func(e *gEvent) {
			lb := g.ghLabel(full, l)
			e.Label = &struct {
				Name  string `json:"name"`
				Color string `json:"color"`
			}{lb.Name, lb.Color}
		}})
	}
	if pr.draft {
		evs = append(evs, evSpec{pr.ready, "ready_for_review", pr.author, nil})
	}
	for _, rq := range pr.requests {
		evs = append(evs, evSpec{rq.at, "review_requested", pr.author, func(e *gEvent) {
			a := o.ghUser(pr.author)
			e.ReviewRequester = &a
			if rq.byTeam {
				tm := o.ghTeam(rq.team)
				e.RequestedTeam = &tm
			} else {
				u := o.ghUser(rq.reviewer)
				e.RequestedReviewer = &u
			}
		}})
	}
	for _, rq := range pr.requests {
		if rq.removed.IsZero() {
			continue
		}
		evs = append(evs, evSpec{rq.removed, "review_request_removed", pr.author, func(e *gEvent) {
			a, u := o.ghUser(pr.author), o.ghUser(rq.reviewer)
			e.ReviewRequester, e.RequestedReviewer = &a, &u
		}})
	}
	if !pr.merged.IsZero() {
		evs = append(evs, evSpec{pr.merged, "merged", pr.mergedBy, func(e *gEvent) { e.CommitID = p.MergeCommitSHA }})
	}
	closer := pr.mergedBy
	if closer < 0 {
		closer = pr.author
	}
	evs = append(evs, evSpec{pr.closed, "closed", closer, nil})
	issue := &gEventIssue{URL: p.IssueURL, HTMLURL: p.HTMLURL, ID: p.ID + 6_000_000_000, NodeID: fmt.Sprintf("I_kwDO%d", p.ID),
		Number: p.Number, Title: p.Title, State: p.State, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, ClosedAt: p.ClosedAt,
		PullRequest: &gPullLink{URL: p.URL, HTMLURL: p.HTMLURL, DiffURL: p.DiffURL, PatchURL: p.PatchURL, MergedAt: p.MergedAt}}
	g.writeEvents(rf, full, evs, issue)
}

func (g *gen) writeEvents(rf *repoFiles, full string, evs []evSpec, issue *gEventIssue) {
	slices.SortStableFunc(evs, func(a, b evSpec) int { return a.at.Compare(b.at) })
	for _, ev := range evs {
		if !g.seen(ev.at) {
			continue
		}
		id := g.nextID(6_000_000_000)
		e := gEvent{ID: id, NodeID: fmt.Sprintf("E_kwDO%d", id), URL: fmt.Sprintf("%s/repos/%s/issues/events/%d", ghAPI, full, id),
			Actor: g.org.ghUser(ev.actor), Event: ev.name, CreatedAt: g.ghTime(ev.at), Issue: issue}
		if ev.fill != nil {
			ev.fill(&e)
		}
		rf.events.put(e)
		g.ghEvents++
	}
}

// emitIssue writes a plain GitHub issue (not a pull request).
func (g *gen) emitIssue(rf *repoFiles, r *rand.Rand, a ghArrival, number int) {
	o := g.org
	full := g.spec.Owner + "/" + o.teams[a.team].Repo
	author := g.teammate(r, a.team)
	if author < 0 {
		author = o.teams[a.team].Members[0]
	}
	label := []string{"bug", "enhancement"}[r.IntN(2)]
	closed := time.Time{}
	if r.Float64() < 0.7 {
		closed = addWork(a.at, between(r, 4, 80))
	}
	id := g.nextID(5_500_000_000)
	html := fmt.Sprintf("%s/%s/issues/%d", ghWeb, full, number)
	api := fmt.Sprintf("%s/repos/%s/issues/%d", ghAPI, full, number)
	state, updated := "open", a.at
	if g.seen(closed) {
		state, updated = "closed", closed
	}
	is := gIssue{URL: api, RepositoryURL: ghAPI + "/repos/" + full, HTMLURL: html, ID: id, NodeID: fmt.Sprintf("I_kwDO%d", id),
		Number: number, Title: nouns[r.IntN(len(nouns))] + " misbehaves after deploy", User: o.ghUser(author),
		Labels: []gLabel{g.ghLabel(full, label)}, State: state, Assignees: []gUser{}, CreatedAt: g.ghTime(a.at),
		UpdatedAt: g.ghTime(updated), ClosedAt: g.ghTimep(closed), AuthorAssociation: "MEMBER", Body: "Seen in production."}
	rf.issues.put(is)
	g.ghItems++
	evs := []evSpec{{a.at, "labeled", author, func(e *gEvent) {
		e.Label = &struct {
			Name  string `json:"name"`
			Color string `json:"color"`
		}{label, g.ghLabel(full, label).Color}
	}}}
	if !closed.IsZero() {
		evs = append(evs, evSpec{closed, "closed", author, nil})
	}
	g.writeEvents(rf, full, evs, &gEventIssue{URL: api, HTMLURL: html, ID: id, NodeID: is.NodeID, Number: number, Title: is.Title,
		State: state, CreatedAt: is.CreatedAt, UpdatedAt: is.UpdatedAt, ClosedAt: is.ClosedAt})
}

// observePull collects the evidence of the review patterns.
func (g *gen) observePull(pr *pullSim) {
	o, tr := g.org, &g.truth
	key := fmt.Sprintf("%s/%s#%d", g.spec.Owner, o.teams[pr.team].Repo, pr.number)
	if pr.team == teamPlatform || pr.team == teamGrowth {
		asked := false
		for _, rq := range pr.requests {
			if !g.seen(rq.at) {
				continue
			}
			tr.teamReqs++
			if !rq.byTeam && rq.reviewer == o.bottleneck {
				tr.bottleneckReq++
				asked = true
				to := g.spec.End // still waiting at the end
				if at := firstReviewAfter(pr, rq); g.seen(at) {
					tr.pickupHours = append(tr.pickupHours, workHours(rq.at, at))
					to = at
				}
				tr.bottleneckSpan.add(rq.at, to)
			}
		}
		if asked {
			tr.bottleneckPRs = append(tr.bottleneckPRs, key)
		}
	}
	var cr []time.Time
	for _, rv := range pr.reviews {
		if rv.state == "CHANGES_REQUESTED" && g.seen(rv.at) {
			cr = append(cr, rv.at)
		}
	}
	if pr.team == teamPayments && len(cr) >= 2 && g.in(famHandoff, pr.ready) {
		tr.churnPRSpan.add(cr[0], cr[len(cr)-1])
	}
	if pr.unreviewed && g.seen(pr.merged) {
		tr.unreviewedPRs = append(tr.unreviewedPRs, key)
		tr.unreviewedSpan.add(pr.ready, pr.merged)
	}
	if pr.team == teamData {
		by := false
		for _, rv := range pr.reviews {
			if rv.id < 0 {
				continue
			}
			tr.repoReviews++
			if rv.reviewer == o.silo {
				tr.siloReviews++
				by = true
			}
		}
		if by {
			tr.siloPRs = append(tr.siloPRs, key)
		}
	}
}

func firstReviewAfter(pr *pullSim, rq request) time.Time {
	var best time.Time
	for _, rv := range pr.reviews {
		if rv.reviewer == rq.reviewer && !rv.at.Before(rq.at) && (best.IsZero() || rv.at.Before(best)) {
			best = rv.at
		}
	}
	return best
}
