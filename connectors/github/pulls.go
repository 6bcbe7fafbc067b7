package github

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/internal/store"
)

// pullCursor is the ":pulls" cursor. done: every PR updated up to then is
// stored. While a listing is interrupted, (low, top] is the update-time
// range it already finished, so a resumed run skips those PRs; after is
// the GraphQL cursor past that range, where a resumed GraphQL listing
// starts (PRs updated meanwhile move above top and wait for the next run).
type pullCursor struct {
	done, low, top time.Time
	after          string
}

func parsePullCursor(s string) pullCursor {
	var c pullCursor
	parts := strings.Split(s, "|")
	c.done, _ = time.Parse(time.RFC3339Nano, parts[0])
	if len(parts) >= 3 {
		c.low, _ = time.Parse(time.RFC3339Nano, parts[1])
		c.top, _ = time.Parse(time.RFC3339Nano, parts[2])
	}
	if len(parts) == 4 {
		c.after = parts[3]
	}
	return c
}

// String is the stored form: done, then low|top while a listing is
// unfinished, then |after when a GraphQL listing can resume there.
func (c pullCursor) String() string {
	s := stamp(c.done)
	if !c.top.IsZero() {
		s += "|" + stamp(c.low) + "|" + stamp(c.top)
		if c.after != "" {
			s += "|" + c.after
		}
	}
	return s
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// pullEntry is one pull request of a listing page, from REST or GraphQL.
type pullEntry struct {
	updated time.Time
	rest    *gh.PullRequest
	gql     *gqlPull
}

// pullLister pages a repository's pull requests newest update first.
type pullLister interface {
	// next fetches the next page; etag (REST only) is sent with page one.
	next(ctx context.Context, etag string) (list []pullEntry, more, notModified bool, newEtag string, err error)
	// rows adds the rows of todo (a page's PRs still to store) to p,
	// fetching what the page did not hold (REST reviews, GraphQL overflow).
	rows(ctx context.Context, p *page, todo []pullEntry) error
	// resume starts the listing past a finished range (GraphQL cursor; REST
	// walks from the top) and position says where the listing is now.
	resume(after string)
	position() string
}

// syncPulls lists the repository's pull requests by update time, newest
// first, until it passes the cursor, and writes each page with the reviews
// of its PRs (and, through GraphQL, their timelines and sizes).
func (r *run) syncPulls(ctx context.Context, repo string) error {
	var lister pullLister = &restPulls{r: r, repo: repo, pg: 1}
	if r.graphql {
		lister = r.newGQLPulls(repo)
	}
	scope := repo + ":pulls"
	raw, etag, err := r.cursorIn(ctx, scope)
	if err != nil {
		return err
	}
	cur := parsePullCursor(raw)
	stop := r.since(cur.done)
	if !cur.top.IsZero() {
		etag = "" // an unfinished listing must be walked again
		lister.resume(cur.after)
	}
	runTop, newEtag := time.Time{}, ""
	// Pages are gathered into batches of about batchRows rows; a batch
	// is written when full, at the end, and before returning an error, so
	// a failure or a rate-limit stop keeps every page fully fetched.
	p, done := r.newPage(), cur
	flush := func(c pullCursor, tag string) error {
		curs := []cursor{{scope: scope, value: c.String(), etag: tag}}
		if len(p.rows) > 0 {
			curs = append(curs, cursor{scope: derivedScope(repo), value: "pending"})
		}
		err := r.commit(ctx, p, curs...)
		p = r.newPage()
		return err
	}
	fail := func(err error) error {
		if len(p.rows) > 0 {
			if ferr := flush(done, ""); ferr != nil {
				return errors.Join(err, ferr)
			}
		}
		return err
	}
	for first := true; ; first = false {
		tag := ""
		if first {
			tag = etag
		}
		prs, more, notModified, pageEtag, err := lister.next(ctx, tag)
		if err != nil {
			return fail(err)
		}
		if notModified {
			return nil
		}
		if first {
			newEtag = pageEtag
			if len(prs) > 0 {
				runTop = prs[0].updated
			}
		}
		todo, past := pullsToDo(prs, stop, done)
		if err := lister.rows(ctx, p, todo); err != nil {
			return fail(err)
		}
		r.progress.Add(len(todo))
		if past || !more || len(prs) == 0 { // finished: everything up to the newest update is stored
			return flush(pullCursor{done: latest(cur.done, cur.top, runTop)}, newEtag)
		}
		low := prs[len(prs)-1].updated
		if done = done.extend(runTop, low); done.low.Equal(low) { // the range reaches this page
			done.after = lister.position()
		}
		if len(p.rows) >= batchRows {
			if err := flush(done, ""); err != nil {
				return err
			}
		}
	}
}

// restPulls lists pull requests through REST, 100 a page; each PR's
// reviews cost a call of their own.
type restPulls struct {
	r    *run
	repo string
	pg   int
}

func (l *restPulls) next(ctx context.Context, etag string) ([]pullEntry, bool, bool, string, error) {
	var prs []*gh.PullRequest
	u := fmt.Sprintf("repos/%s/pulls?state=all&sort=updated&direction=desc&per_page=100&page=%d", l.repo, l.pg)
	resp, notModified, err := l.r.get(ctx, u, etag, &prs)
	if err != nil || notModified {
		return nil, false, notModified, "", err
	}
	out := make([]pullEntry, len(prs))
	for i, pr := range prs {
		out[i] = pullEntry{updated: pr.GetUpdatedAt().Time, rest: pr}
	}
	l.pg = resp.NextPage
	return out, l.pg != 0, false, resp.Header.Get("ETag"), nil
}

func (l *restPulls) resume(string)    {}
func (l *restPulls) position() string { return "" }

func (l *restPulls) rows(ctx context.Context, p *page, todo []pullEntry) error {
	prs := make([]*gh.PullRequest, len(todo))
	for i, e := range todo {
		prs[i] = e.rest
	}
	return l.r.pullRows(ctx, p, l.repo, prs)
}

// extend records that this run finished (low, top]. It merges with the
// range an earlier interrupted run finished when the two touch; otherwise
// it keeps the earlier one (the newer PRs are cheap to redo).
func (c pullCursor) extend(top, low time.Time) pullCursor {
	switch {
	case c.top.IsZero():
		return pullCursor{done: c.done, low: low, top: top}
	case !low.After(c.top):
		return pullCursor{done: c.done, low: earliest(low, c.low), top: latest(top, c.top), after: c.after}
	}
	return c
}

// pullsToDo drops PRs an interrupted run already finished and reports
// whether the page went past the stop time.
func pullsToDo(prs []pullEntry, stop time.Time, cur pullCursor) ([]pullEntry, bool) {
	var todo []pullEntry
	for _, pr := range prs {
		up := pr.updated
		if up.Before(stop) {
			return todo, true
		}
		if !cur.top.IsZero() && up.After(cur.low) && !up.After(cur.top) {
			continue
		}
		todo = append(todo, pr)
	}
	return todo, false
}

// pullRows fetches the reviews of prs and adds their rows to p.
func (r *run) pullRows(ctx context.Context, p *page, repo string, prs []*gh.PullRequest) error {
	reviews, err := r.reviewsOf(ctx, repo, prs)
	if err != nil {
		return err
	}
	for i, pr := range prs {
		itemID := r.itemID(repo, pr.GetNumber())
		p.put(r.pullItem(p, repo, pr), r.pullRow(p, repo, pr))
		for _, rv := range reviews[i] {
			r.reviewRows(p, itemID, rv)
		}
	}
	return nil
}

func (r *run) itemID(repo string, number int) string {
	return r.src.cfg.Name + ":" + repo + "#" + strconv.Itoa(number)
}

func (r *run) pullItem(p *page, repo string, pr *gh.PullRequest) store.Item {
	status := "open"
	switch {
	case pr.MergedAt != nil:
		status = "merged"
	case pr.GetState() == "closed":
		status = "closed"
	}
	it := store.Item{
		ItemID: r.itemID(repo, pr.GetNumber()), Source: r.src.cfg.Name, Kind: "pull_request",
		Key: repo + "#" + strconv.Itoa(pr.GetNumber()), Container: repo, Title: pr.GetTitle(),
		Status: status, StatusCategory: category(status), ReporterID: p.user(pr.User),
		AssigneeID: firstAssignee(p, pr.Assignees, pr.Assignee), Labels: labelNames(pr.Labels),
		Milestone: pr.GetMilestone().GetTitle(), CreatedAt: ts(pr.CreatedAt), UpdatedAt: ts(pr.UpdatedAt),
		ResolvedAt: ts(pr.MergedAt), URL: pr.GetHTMLURL(),
	}
	if it.ResolvedAt == nil && status == "closed" {
		it.ResolvedAt = ts(pr.ClosedAt)
	}
	return it
}

// pullRow maps a PR onto its pull_requests row. Pending requested
// reviewers are not recorded as identities here: no row names them, and
// the review_requested events that do record them.
func (r *run) pullRow(p *page, repo string, pr *gh.PullRequest) store.PullRequest {
	return store.PullRequest{
		ItemID: r.itemID(repo, pr.GetNumber()), Repo: repo, Number: pr.GetNumber(), AuthorID: p.user(pr.User),
		Draft: pr.GetDraft(), CreatedAt: ts(pr.CreatedAt), MergedAt: ts(pr.MergedAt), ClosedAt: ts(pr.ClosedAt),
		MergedByID: p.user(pr.MergedBy), Additions: pr.Additions, Deletions: pr.Deletions,
		ChangedFiles: pr.ChangedFiles, Commits: pr.Commits, BaseRef: pr.GetBase().GetRef(),
	}
}

func category(status string) string {
	if status == "open" {
		return "indeterminate"
	}
	return "done"
}

func firstAssignee(p *page, all []*gh.User, one *gh.User) string {
	for _, u := range all {
		p.user(u)
	}
	if len(all) > 0 {
		return p.user(all[0])
	}
	return p.user(one)
}

func labelNames(ls []*gh.Label) []string {
	out := []string{}
	for _, l := range ls {
		out = append(out, l.GetName())
	}
	return out
}

func ts(t *gh.Timestamp) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func etagOnFirst(pg int, etag string) string {
	if pg == 1 {
		return etag
	}
	return ""
}
func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
