package synth

import (
	"fmt"
	"strconv"
	"time"
)

// repoFiles are the open writers of one repository's dataset.
type repoFiles struct {
	pulls, reviews, issues, events, comments, reviewComments *lines
}

func (g *gen) openRepo(t int) (*repoFiles, error) {
	full := g.spec.Owner + "/" + g.org.teams[t].Repo
	var rf repoFiles
	for _, f := range []struct {
		l    **lines
		name string
	}{{&rf.pulls, "pulls"}, {&rf.reviews, "reviews"}, {&rf.issues, "issues"}, {&rf.events, "events"},
		{&rf.comments, "comments"}, {&rf.reviewComments, "review_comments"}} {
		l, err := createLines(g.path("github", "repos", full, f.name+".jsonl"))
		if err != nil {
			return nil, err
		}
		*f.l = l
	}
	return &rf, nil
}

func (rf *repoFiles) close() error {
	var first error
	for _, l := range []*lines{rf.pulls, rf.reviews, rf.issues, rf.events, rf.comments, rf.reviewComments} {
		if err := l.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// runGitHub simulates every repository's pull requests and issues in one
// timeline, so reviewers' queues see the requests of all teams in order.
func (g *gen) runGitHub() error {
	repos, err := createLines(g.path("github", "repos.jsonl"))
	if err != nil {
		return err
	}
	files := make([]*repoFiles, len(g.org.teams))
	for t := range g.org.teams {
		repos.put(g.org.ghRepo(t))
		if files[t], err = g.openRepo(t); err != nil {
			return err
		}
	}
	if err := repos.close(); err != nil {
		return err
	}
	numbers := make([]int, len(g.org.teams))
	for _, a := range g.ghArrivals() {
		numbers[a.team]++
		r := newRand(g.spec.Seed, 21, uint64(a.team), uint64(a.seq))
		if a.kind == ghIssue {
			g.emitIssue(files[a.team], r, a, numbers[a.team])
			continue
		}
		pr := g.simPull(r, a, numbers[a.team])
		g.emitPull(files[a.team], pr)
	}
	for _, f := range files {
		if err := f.close(); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) ghTime(t time.Time) string { return t.Format(githubTime) }

func (g *gen) ghTimep(t time.Time) *string {
	if t.IsZero() || t.After(g.spec.End) {
		return nil
	}
	return strp(t.Format(githubTime))
}

func (g *gen) seen(t time.Time) bool { return !t.IsZero() && !t.After(g.spec.End) }

func (g *gen) nextID(base int64) int64 {
	g.ghID++
	return base + g.ghID
}

func sha(n int64, salt string) string {
	h := uint64(n)*0x9e3779b97f4a7c15 ^ uint64(len(salt))*0xbf58476d1ce4e5b9
	return fmt.Sprintf("%016x%016x%08x", h, h*31+7, uint32(h>>7))
}

// emitPull writes the pull request as it looks at the end of the
// simulation, and everything that happened to it until then.
func (g *gen) emitPull(rf *repoFiles, pr *pullSim) {
	o, full := g.org, g.spec.Owner+"/"+g.org.teams[pr.team].Repo
	api := fmt.Sprintf("%s/repos/%s/pulls/%d", ghAPI, full, pr.number)
	html := fmt.Sprintf("%s/%s/pull/%d", ghWeb, full, pr.number)
	issueAPI := fmt.Sprintf("%s/repos/%s/issues/%d", ghAPI, full, pr.number)
	id := g.nextID(1_000_000_000)
	updated := pr.created
	touch := func(t time.Time) {
		if g.seen(t) && t.After(updated) {
			updated = t
		}
	}
	author := o.ghUser(pr.author)
	title := "Update dependencies"
	if pr.jiraKey != "" {
		title = pr.jiraKey + ": " + verbs[pr.number%len(verbs)] + " " + nouns[pr.number%len(nouns)]
	}
	var labels []gLabel
	for _, l := range pr.labels {
		labels = append(labels, g.ghLabel(full, l))
	}
	// Review requests still pending at the end: asked and not reviewed since.
	var pendingUsers []gUser
	var pendingTeams []gTeam
	for i, rq := range pr.requests {
		if !g.seen(rq.at) {
			continue
		}
		answered := false
		for _, rv := range pr.reviews {
			if rv.reviewer == rq.reviewer && !rv.at.Before(rq.at) && g.seen(rv.at) {
				answered = true
			}
		}
		later := false
		for _, rq2 := range pr.requests[i+1:] {
			if rq2.reviewer == rq.reviewer && g.seen(rq2.at) {
				later = true
			}
		}
		if answered || later || g.seen(pr.closed) || g.seen(rq.removed) {
			continue
		}
		if rq.byTeam {
			pendingTeams = append(pendingTeams, o.ghTeam(rq.team))
		} else {
			pendingUsers = append(pendingUsers, o.ghUser(rq.reviewer))
		}
	}
	state := "open"
	if g.seen(pr.closed) {
		state = "closed"
	}
	var mergedBy *gUser
	if g.seen(pr.merged) && pr.mergedBy >= 0 {
		u := o.ghUser(pr.mergedBy)
		mergedBy = &u
	}
	// Reviews.
	nComments, nReviewComments := 0, 0
	for i := range pr.reviews {
		rv := &pr.reviews[i]
		if !g.seen(rv.at) || (g.seen(pr.closed) && rv.at.After(pr.closed)) {
			rv.id = -1
			continue
		}
		rv.id = g.nextID(2_000_000_000)
		touch(rv.at)
		rf.reviews.put(gReview{ID: rv.id, NodeID: fmt.Sprintf("PRR_kwDO%d", rv.id), User: o.ghUser(rv.reviewer),
			Body: reviewBody(rv.state), State: rv.state, HTMLURL: fmt.Sprintf("%s#pullrequestreview-%d", html, rv.id),
			PullRequestURL: api, AuthorAssociation: "MEMBER", SubmittedAt: g.ghTime(rv.at), CommitID: sha(id, rv.state)})
		g.ghEvents++
		for k := range rv.comments {
			cid := g.nextID(3_000_000_000)
			rf.reviewComments.put(gReviewComment{URL: fmt.Sprintf("%s/repos/%s/pulls/comments/%d", ghAPI, full, cid),
				PullRequestReviewID: rv.id, ID: cid, NodeID: fmt.Sprintf("PRRC_kwDO%d", cid),
				DiffHunk: "@@ -10,6 +10,8 @@ func handle(", Path: fmt.Sprintf("internal/%s/handler.go", nouns[k%len(nouns)][:4]),
				CommitID: sha(id, "c"), OriginalCommitID: sha(id, "c"), User: o.ghUser(rv.reviewer),
				Body: "Could this handle the empty case?", CreatedAt: g.ghTime(rv.at), UpdatedAt: g.ghTime(rv.at),
				HTMLURL: fmt.Sprintf("%s#discussion_r%d", html, cid), PullRequestURL: api, AuthorAssociation: "MEMBER", Line: 12 + k, Side: "RIGHT"})
			nReviewComments++
			g.ghEvents++
		}
	}
	for _, c := range pr.comments {
		if !g.seen(c) || c.After(pr.closed) {
			continue
		}
		cid := g.nextID(4_000_000_000)
		who := pr.author
		if len(pr.requests) > 0 && cid%2 == 0 {
			who = pr.requests[0].reviewer
		}
		rf.comments.put(gComment{URL: fmt.Sprintf("%s/repos/%s/issues/comments/%d", ghAPI, full, cid),
			HTMLURL: fmt.Sprintf("%s#issuecomment-%d", html, cid), IssueURL: issueAPI, ID: cid, NodeID: fmt.Sprintf("IC_kwDO%d", cid),
			User: o.ghUser(who), CreatedAt: g.ghTime(c), UpdatedAt: g.ghTime(c), AuthorAssociation: "MEMBER", Body: "Thanks, looks good to me once CI passes."})
		touch(c)
		nComments++
		g.ghEvents++
	}
	touch(pr.ready)
	touch(pr.closed)
	for _, rq := range pr.requests {
		touch(rq.at)
	}
	draft := pr.draft && !g.seen(pr.ready)
	p := gPull{URL: api, ID: id, NodeID: fmt.Sprintf("PR_kwDO%d", id), HTMLURL: html, DiffURL: html + ".diff", PatchURL: html + ".patch",
		IssueURL: issueAPI, Number: pr.number, State: state, Title: title, User: author, Body: "Implements " + title + ".",
		CreatedAt: g.ghTime(pr.created), UpdatedAt: g.ghTime(updated), ClosedAt: g.ghTimep(pr.closed), MergedAt: g.ghTimep(pr.merged),
		Assignees: []gUser{}, RequestedReviewers: orEmptyU(pendingUsers), RequestedTeams: orEmptyT(pendingTeams), Labels: orEmptyL(labels),
		Draft: draft, AuthorAssociation: "MEMBER", Merged: g.seen(pr.merged), MergeableState: "unknown", MergedBy: mergedBy,
		Head:     gRef{Label: o.spec.Owner + ":" + branch(pr), Ref: branch(pr), SHA: sha(id, "head"), User: o.ghOwner()},
		Base:     gRef{Label: o.spec.Owner + ":main", Ref: "main", SHA: sha(id, "base"), User: o.ghOwner()},
		Comments: nComments, ReviewComments: nReviewComments, Commits: 1 + int(id%5), Additions: 10 + int(id%400),
		Deletions: int(id % 120), ChangedFiles: 1 + int(id%12)}
	if g.seen(pr.merged) {
		p.MergeCommitSHA = strp(sha(id, "merge"))
	}
	if pr.assigned {
		p.Assignee = &author
		p.Assignees = []gUser{author}
	}
	rf.pulls.put(p)
	g.ghItems++
	g.res.PullRequests++
	g.emitPullEvents(rf, pr, &p)
	g.observePull(pr)
}

func branch(pr *pullSim) string {
	if pr.jiraKey == "" {
		return "dependabot/go_modules/golang.org/x/net-0.3" + strconv.Itoa(pr.number%10) + ".0"
	}
	return "feature/" + lower(pr.jiraKey) + "-" + strconv.Itoa(pr.number)
}

func reviewBody(state string) string {
	switch state {
	case "APPROVED":
		return ""
	case "CHANGES_REQUESTED":
		return "A few things to change before this goes in."
	}
	return "Left some questions."
}

func orEmptyU(u []gUser) []gUser {
	if u == nil {
		return []gUser{}
	}
	return u
}

func orEmptyT(t []gTeam) []gTeam {
	if t == nil {
		return []gTeam{}
	}
	return t
}

func orEmptyL(l []gLabel) []gLabel {
	if l == nil {
		return []gLabel{}
	}
	return l
}

func (g *gen) ghLabel(full, name string) gLabel {
	colors := map[string]string{"dependencies": "0366d6", "bug": "d73a4a", "enhancement": "a2eeef", "chore": "cfd3d7"}
	id := int64(800000 + len(name)*31 + int(name[0]))
	return gLabel{ID: id, NodeID: fmt.Sprintf("LA_kwDO%d", id), URL: fmt.Sprintf("%s/repos/%s/labels/%s", ghAPI, full, name),
		Name: name, Color: colors[name], Default: name == "bug" || name == "enhancement"}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
