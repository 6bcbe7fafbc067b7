package github

import (
	"context"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"
)

// gqlPageSize is the largest page GitHub's GraphQL API serves.
const gqlPageSize = 100

// gqlPulls lists pull requests through GraphQL: one query a page of up to
// 100 PRs with their reviews, timeline events, labels, assignees and
// sizes. The page shrinks by half each time GitHub times out on it.
type gqlPulls struct {
	r           *run
	repo        string
	owner, name string
	first       int
	after       string
}

func (r *run) newGQLPulls(repo string) *gqlPulls {
	owner, name, _ := strings.Cut(repo, "/")
	return &gqlPulls{r: r, repo: repo, owner: owner, name: name, first: gqlPageSize}
}

// halve makes a page size smaller after a timeout; false at one.
func halve(n *int) func() bool {
	return func() bool {
		if *n <= 1 {
			return false
		}
		*n = max(1, *n/2)
		return true
	}
}

func (l *gqlPulls) resume(after string) { l.after = after }
func (l *gqlPulls) position() string    { return l.after }

func (l *gqlPulls) next(ctx context.Context, _ string) ([]pullEntry, bool, bool, string, error) {
	var d pullsData
	build := func() (string, map[string]any) {
		d = pullsData{}
		return queryPulls, map[string]any{"owner": l.owner, "name": l.name, "first": l.first,
			"after": nullable(l.after), "nested": gqlPageSize}
	}
	if err := l.r.gql.query(ctx, "PullRequests of "+l.repo, build, &d, halve(&l.first)); err != nil {
		return nil, false, false, "", err
	}
	c := d.Repository.PullRequests
	out := make([]pullEntry, len(c.Nodes))
	for i, pr := range c.Nodes {
		out[i] = pullEntry{updated: pr.UpdatedAt, gql: pr}
	}
	l.after = c.PageInfo.EndCursor
	more := c.PageInfo.HasNextPage && l.after != ""
	return out, more, false, "", nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// rows completes the reviews and timelines that overflowed their first
// page (follow-up queries for those PRs only) and maps each PR onto rows
// exactly as the REST path does.
func (l *gqlPulls) rows(ctx context.Context, p *page, todo []pullEntry) error {
	for _, e := range todo {
		pr := e.gql
		if err := completeConn(ctx, l, pr, queryReviews, "PullRequestReviews", &pr.Reviews,
			func(d *nestedData) *gqlConn[gqlReview] { return d.Repository.PullRequest.Reviews }); err != nil {
			return err
		}
		if err := completeConn(ctx, l, pr, queryTimeline, "PullRequestTimeline", &pr.TimelineItems,
			func(d *nestedData) *gqlConn[gqlTimeline] { return d.Repository.PullRequest.TimelineItems }); err != nil {
			return err
		}
		rest := pr.toREST()
		itemID := l.r.itemID(l.repo, pr.Number)
		p.put(l.r.pullItem(p, l.repo, rest), l.r.pullRow(p, l.repo, rest))
		for _, rv := range pr.Reviews.Nodes {
			l.r.reviewRows(p, itemID, rv.toREST())
		}
		for _, ev := range pr.TimelineItems.Nodes {
			id := ev.ID
			if n := databaseID(ev.ID); n > 0 {
				id = strconv.FormatInt(n, 10)
			}
			if rest := ev.toREST(pr.Number); rest != nil {
				l.r.eventRowsID(p, l.repo, rest, id)
			}
		}
	}
	return nil
}

// completeConn follows one nested connection of pr (its reviews or its
// timeline) past the first page the listing brought, appending each page.
func completeConn[T any](ctx context.Context, l *gqlPulls, pr *gqlPull, q, what string, conn *gqlConn[T],
	pick func(*nestedData) *gqlConn[T]) error {
	first := gqlPageSize
	for info := conn.PageInfo; info.HasNextPage && info.EndCursor != ""; {
		var d nestedData
		build := l.nested(q, pr.Number, &first, info.EndCursor, &d)
		if err := l.r.gql.query(ctx, what+" of "+l.repo+"#"+strconv.Itoa(pr.Number), build, &d, halve(&first)); err != nil {
			return err
		}
		c := pick(&d)
		conn.Nodes = append(conn.Nodes, c.Nodes...)
		info = c.PageInfo
	}
	return nil
}

func (l *gqlPulls) nested(q string, number int, first *int, after string, d *nestedData) func() (string, map[string]any) {
	return func() (string, map[string]any) {
		*d = nestedData{}
		return q, map[string]any{"owner": l.owner, "name": l.name, "number": number, "first": *first, "after": after}
	}
}

// user turns a GraphQL actor into the REST user the row mappers read.
// GraphQL gives bots their bare login; REST, and so the store, appends
// "[bot]". Teams and actors without a database id give nil.
func (w *gqlWho) user() *gh.User {
	if w == nil || w.DatabaseID == 0 || w.Typename == "Team" {
		return nil
	}
	login, typ, id := w.Login, w.Typename, w.DatabaseID
	if typ == "Bot" && !strings.HasSuffix(login, "[bot]") {
		login += "[bot]"
	}
	return &gh.User{ID: &id, Login: &login, Type: &typ}
}

func (pr *gqlPull) toREST() *gh.PullRequest {
	state := "open"
	if pr.State != "OPEN" {
		state = "closed"
	}
	out := &gh.PullRequest{Number: &pr.Number, Title: &pr.Title, State: &state, Draft: &pr.IsDraft,
		CreatedAt: &gh.Timestamp{Time: pr.CreatedAt}, UpdatedAt: &gh.Timestamp{Time: pr.UpdatedAt},
		HTMLURL: &pr.URL, Base: &gh.PullRequestBranch{Ref: &pr.BaseRefName}, User: pr.Author.user(),
		MergedBy: pr.MergedBy.user(), Additions: pr.Additions, Deletions: pr.Deletions,
		ChangedFiles: pr.ChangedFiles, Commits: pr.Commits.TotalCount, Labels: []*gh.Label{}}
	if pr.ClosedAt != nil {
		out.ClosedAt = &gh.Timestamp{Time: *pr.ClosedAt}
	}
	if pr.MergedAt != nil {
		out.MergedAt = &gh.Timestamp{Time: *pr.MergedAt}
	}
	if pr.Milestone != nil {
		out.Milestone = &gh.Milestone{Title: &pr.Milestone.Title}
	}
	for _, l := range pr.Labels.Nodes {
		if l != nil {
			out.Labels = append(out.Labels, &gh.Label{Name: &l.Name})
		}
	}
	for _, a := range pr.Assignees.Nodes {
		if u := a.user(); u != nil {
			out.Assignees = append(out.Assignees, u)
		}
	}
	return out
}

func (rv *gqlReview) toREST() *gh.PullRequestReview {
	out := &gh.PullRequestReview{ID: &rv.DatabaseID, State: &rv.State, User: rv.Author.user()}
	if rv.SubmittedAt != nil {
		out.SubmittedAt = &gh.Timestamp{Time: *rv.SubmittedAt}
	}
	return out
}

// eventKinds maps timeline item types onto REST issue event names.
var eventKinds = map[string]string{
	"ReviewRequestedEvent": "review_requested", "ReviewRequestRemovedEvent": "review_request_removed",
	"ReadyForReviewEvent": "ready_for_review", "ConvertToDraftEvent": "convert_to_draft",
	"MergedEvent": "merged", "HeadRefForcePushedEvent": "head_ref_force_pushed",
	"ReviewDismissedEvent": "review_dismissed", "ClosedEvent": "closed", "ReopenedEvent": "reopened",
	"AssignedEvent": "assigned", "UnassignedEvent": "unassigned", "LabeledEvent": "labeled",
	"UnlabeledEvent": "unlabeled", "MilestonedEvent": "milestoned", "DemilestonedEvent": "demilestoned",
	"RenamedTitleEvent": "renamed",
}

// toREST turns a timeline item into the REST issue event it mirrors (nil
// for a type the connector does not keep). GraphQL names one actor where
// REST names an actor and a review_requester; they are the same person.
func (ev *gqlTimeline) toREST(number int) *gh.IssueEvent {
	kind, ok := eventKinds[ev.Typename]
	if !ok {
		return nil
	}
	out := &gh.IssueEvent{Event: &kind, CreatedAt: &gh.Timestamp{Time: ev.CreatedAt}, Actor: ev.Actor.user(),
		Issue: &gh.Issue{Number: &number}}
	switch kind {
	case "review_requested", "review_request_removed":
		out.ReviewRequester = out.Actor
		if w := ev.RequestedReviewer; w != nil && w.Typename == "Team" {
			t := &gh.Team{Slug: &w.Slug, Name: &w.Name}
			if w.Organization != nil {
				t.Organization = &gh.Organization{Login: &w.Organization.Login}
			}
			out.RequestedTeam = t
		} else {
			out.RequestedReviewer = w.user()
		}
	case "assigned", "unassigned":
		out.Assignee = ev.Assignee.user()
	case "labeled", "unlabeled":
		if ev.Label != nil {
			out.Label = &gh.Label{Name: &ev.Label.Name}
		}
	case "milestoned", "demilestoned":
		out.Milestone = &gh.Milestone{Title: &ev.MilestoneTitle}
	case "renamed":
		out.Rename = &gh.Rename{From: &ev.PreviousTitle, To: &ev.CurrentTitle}
	case "review_dismissed":
		state := strings.ToLower(ev.PreviousReviewState)
		d := &gh.DismissedReview{State: &state}
		if ev.Review != nil {
			d.ReviewID = &ev.Review.DatabaseID
		}
		out.DismissedReview = d
	}
	return out
}
