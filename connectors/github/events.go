package github

import (
	"context"
	"fmt"
	"strconv"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/internal/store"
)

// keptEvents are the issue events stored as item_events; the rest
// (subscribed, mentioned, referenced, head_ref_force_pushed, ...) say
// nothing about flow.
var keptEvents = map[string]bool{
	"review_requested": true, "review_request_removed": true, "ready_for_review": true,
	"convert_to_draft": true, "assigned": true, "unassigned": true, "labeled": true, "unlabeled": true,
	"closed": true, "reopened": true, "merged": true, "milestoned": true, "demilestoned": true, "renamed": true,
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
			r.eventRows(p, repo, ev)
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

// eventRows maps one issue event onto an item event and, for review
// requests, a review_requests row.
func (r *run) eventRows(p *page, repo string, ev *gh.IssueEvent) {
	kind := ev.GetEvent()
	if !keptEvents[kind] || ev.GetIssue().GetNumber() == 0 {
		return
	}
	e := store.Event{
		EventID: r.src.cfg.Name + ":ev:" + strconv.FormatInt(ev.GetID(), 10),
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
