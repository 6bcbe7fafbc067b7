package github

import (
	"context"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/internal/store"
)

// syncComments stores issue and pull request conversation comments from the
// repository-wide listing.
func (r *run) syncComments(ctx context.Context, repo string) error {
	return sinceListing(ctx, r, repo, "comments", "issues/comments",
		func(c *gh.IssueComment) time.Time { return updatedAt(c.UpdatedAt) },
		func(p *page, c *gh.IssueComment) {
			n := trailingNumber(c.GetIssueURL())
			if n == 0 {
				return
			}
			p.put(store.Comment{CommentID: r.src.cfg.Name + ":c:" + strconv.FormatInt(c.GetID(), 10),
				ItemID: r.itemID(repo, n), AuthorID: p.user(c.User), CreatedAt: ts(c.CreatedAt), Kind: "issue"})
		})
}

// syncReviewComments stores review (diff line) comments from the
// repository-wide listing.
func (r *run) syncReviewComments(ctx context.Context, repo string) error {
	return sinceListing(ctx, r, repo, "review_comments", "pulls/comments",
		func(c *gh.PullRequestComment) time.Time { return updatedAt(c.UpdatedAt) },
		func(p *page, c *gh.PullRequestComment) {
			n := trailingNumber(c.GetPullRequestURL())
			if n == 0 {
				return
			}
			p.put(store.Comment{CommentID: r.src.cfg.Name + ":rc:" + strconv.FormatInt(c.GetID(), 10),
				ItemID: r.itemID(repo, n), AuthorID: p.user(c.User), CreatedAt: ts(c.CreatedAt), Kind: "review"})
		})
}

// trailingNumber reads the number at the end of an API URL (".../issues/12").
func trailingNumber(u string) int {
	n, _ := strconv.Atoi(u[strings.LastIndexByte(u, '/')+1:])
	return n
}
