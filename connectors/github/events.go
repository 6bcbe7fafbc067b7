package github

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/internal/store"
)

// keptEvents are the issue events stored as item_events; the rest
// (subscribed, mentioned, referenced, ...) say nothing about flow. A force
// push to a PR's head and a dismissed review start a new review round.
var keptEvents = map[string]bool{
	"review_requested": true, "review_request_removed": true, "ready_for_review": true,
	"convert_to_draft": true, "assigned": true, "unassigned": true, "labeled": true, "unlabeled": true,
	"closed": true, "reopened": true, "merged": true, "milestoned": true, "demilestoned": true, "renamed": true,
	"head_ref_force_pushed": true, "review_dismissed": true,
}

// syncEvents walks the repository-wide issue events (newest first; the
// listing has no since) until it passes the cursor. The cursor moves only
// when the walk completes, in the last page's transaction.
func (r *run) syncEvents(ctx context.Context, repo string) error {
	scope := repo + ":events"
	raw, etag, err := r.cursorIn(ctx, scope)
	if err != nil {
		return err
	}
	done, _ := time.Parse(time.RFC3339Nano, raw)
	stop := r.since(done)
	newest, newEtag := done, ""
	known, err := r.knownItems(ctx, repo)
	if err != nil {
		return err
	}
	p := r.newPage()
	for pg := 1; pg > 0; {
		var evs []*gh.IssueEvent
		u := fmt.Sprintf("repos/%s/issues/events?per_page=100&page=%d", repo, pg)
		resp, notModified, err := r.get(ctx, u, etagOnFirst(pg, etag), &evs)
		if err != nil || notModified {
			return err
		}
		if pg == 1 {
			newEtag = resp.Header.Get("ETag")
		}
		pg = resp.NextPage
		for _, ev := range evs {
			at := ev.GetCreatedAt().Time
			if at.Before(stop) {
				pg = 0
				break
			}
			newest = latest(newest, at)
			if r.wanted(ev, repo, known) {
				r.eventRows(p, repo, ev)
			}
		}
		var curs []cursor
		if pg == 0 {
			curs = []cursor{{scope: scope, value: stamp(newest), etag: newEtag}, {scope: derivedScope(repo)}}
			p.fix = repo
		} else if len(p.rows) < batchRows {
			continue
		}
		if err := r.commit(ctx, p, curs...); err != nil {
			return err
		}
		p = r.newPage()
	}
	return nil
}

// knownItems returns the ids of repo's stored items (PRs and issues, which
// are synced before the events).
func (r *run) knownItems(ctx context.Context, repo string) (map[string]bool, error) {
	rows, err := r.st.DB().QueryContext(ctx, `SELECT item_id FROM items WHERE starts_with(item_id, ?)`, r.src.cfg.Name+":"+repo+"#")
	if err != nil {
		return nil, r.storeErr(err)
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, r.storeErr(err)
		}
		known[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, r.storeErr(err)
	}
	return known, nil
}

// wanted says whether an event is stored. Events of an item that is not
// stored (an issue deleted, transferred or outside since) would be
// orphans and are left out; those newer than the run's start (less the
// overlap) are kept, as their item may have been created after its
// listing ran: the next run brings it, and the event links to it by id.
// With GraphQL, pull request events come from each PR's timeline instead.
func (r *run) wanted(ev *gh.IssueEvent, repo string, known map[string]bool) bool {
	if r.graphql && isPull(ev.GetIssue()) {
		return false
	}
	if known[r.itemID(repo, ev.GetIssue().GetNumber())] {
		return true
	}
	return !ev.GetCreatedAt().Time.Before(r.started.Add(-r.src.overlap))
}

// isPull says whether an issue is a pull request. The 2012 API gave plain
// issues a pull_request object too, with null links.
func isPull(is *gh.Issue) bool {
	l := is.GetPullRequestLinks()
	return l != nil && (l.GetURL() != "" || l.GetHTMLURL() != "")
}

// eventRows maps one issue event onto an item event and, for review
// requests, a review_requests row.
func (r *run) eventRows(p *page, repo string, ev *gh.IssueEvent) {
	r.eventRowsID(p, repo, ev, strconv.FormatInt(ev.GetID(), 10))
}

// eventRowsID is eventRows with the event's id given (GraphQL timeline
// items carry a node id, read back to the REST id where possible).
func (r *run) eventRowsID(p *page, repo string, ev *gh.IssueEvent, id string) {
	kind := ev.GetEvent()
	if !keptEvents[kind] || ev.GetIssue().GetNumber() == 0 {
		return
	}
	e := store.Event{
		EventID: r.src.cfg.Name + ":ev:" + id,
		ItemID:  r.itemID(repo, ev.GetIssue().GetNumber()), OccurredAt: ev.GetCreatedAt().UTC(),
		ActorID: p.user(ev.Actor), Kind: kind,
	}
	switch kind {
	case "review_requested", "review_request_removed":
		team := ""
		if ev.RequestedReviewer != nil {
			e.Field, e.ToValue, e.ToID = "requested_reviewer", ev.RequestedReviewer.GetLogin(), p.user(ev.RequestedReviewer)
		} else if ev.RequestedTeam != nil {
			team = teamName(repo, ev.RequestedTeam)
			e.Field, e.ToValue = "requested_team", team
		}
		if kind == "review_requested" && (e.ToID != "" || team != "") {
			p.put(store.ReviewRequest{RequestID: e.EventID, ItemID: e.ItemID, ReviewerID: e.ToID, ReviewerTeam: team,
				RequestedAt: e.OccurredAt, RequesterID: p.user(ev.ReviewRequester)})
		}
	case "assigned", "unassigned":
		e.Field, e.ToValue, e.ToID = "assignee", ev.GetAssignee().GetLogin(), p.user(ev.Assignee)
	case "labeled", "unlabeled":
		e.Field, e.ToValue = "label", ev.GetLabel().GetName()
	case "milestoned", "demilestoned":
		e.Field, e.ToValue = "milestone", ev.GetMilestone().GetTitle()
	case "renamed":
		e.Field, e.FromValue, e.ToValue = "title", ev.GetRename().GetFrom(), ev.GetRename().GetTo()
	case "review_dismissed":
		d := ev.GetDismissedReview()
		e.Field, e.FromValue, e.ToValue = "review", strings.ToUpper(d.GetState()), strconv.FormatInt(d.GetReviewID(), 10)
	}
	p.put(e)
}

// teamName is "<org>/<slug>", as config teams name GitHub teams; the event
// carries no organisation, which is the repository owner.
func teamName(repo string, t *gh.Team) string {
	org := t.GetOrganization().GetLogin()
	if org == "" {
		org = repo[:len(repo)-len(repoName(repo))-1]
	}
	slug := t.GetSlug()
	if slug == "" {
		slug = t.GetName()
	}
	return org + "/" + slug
}

func repoName(repo string) string {
	for i := len(repo) - 1; i >= 0; i-- {
		if repo[i] == '/' {
			return repo[i+1:]
		}
	}
	return repo
}
