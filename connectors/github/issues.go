package github

import (
	"context"
	"strconv"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/internal/store"
)

// syncIssues stores the repository's issues that are not pull requests
// (the /issues listing shows every PR too; those come from syncPulls).
func (r *run) syncIssues(ctx context.Context, repo string) error {
	return sinceListing(ctx, r, repo, "issues", "issues", func(is *gh.Issue) time.Time { return updatedAt(is.UpdatedAt) },
		func(p *page, is *gh.Issue) {
			if is.IsPullRequest() {
				return
			}
			p.put(r.issueItem(p, repo, is))
		})
}

func (r *run) issueItem(p *page, repo string, is *gh.Issue) store.Item {
	status := "open"
	if is.GetState() == "closed" {
		status = "closed"
	}
	it := store.Item{
		ItemID: r.itemID(repo, is.GetNumber()), Source: r.src.cfg.Name, Kind: "issue",
		Key: repo + "#" + strconv.Itoa(is.GetNumber()), Container: repo, Title: is.GetTitle(),
		Status: status, StatusCategory: category(status), ReporterID: p.user(is.User),
		AssigneeID: firstAssignee(p, is.Assignees, is.Assignee), Labels: labelNames(is.Labels),
		Milestone: is.GetMilestone().GetTitle(), CreatedAt: ts(is.CreatedAt), UpdatedAt: ts(is.UpdatedAt),
		URL: is.GetHTMLURL(),
	}
	if status == "closed" {
		it.ResolvedAt = ts(is.ClosedAt)
	}
	return it
}
