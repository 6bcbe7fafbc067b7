package github

import (
	"context"
	"fmt"
	"strconv"

	gh "github.com/google/go-github/v60/github"
	"golang.org/x/sync/errgroup"

	"github.com/systemic-dev/systemic/internal/store"
)

// reviewsOf fetches the reviews of each PR (one call per PR of up to 100
// reviews), a few PRs at a time; result i belongs to prs[i].
func (r *run) reviewsOf(ctx context.Context, repo string, prs []*gh.PullRequest) ([][]*gh.PullRequestReview, error) {
	out := make([][]*gh.PullRequestReview, len(prs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(r.src.workers)
	for i, pr := range prs {
		g.Go(func() error {
			rv, err := r.reviews(ctx, repo, pr.GetNumber())
			out[i] = rv
			return err
		})
	}
	return out, g.Wait()
}

func (r *run) reviews(ctx context.Context, repo string, number int) ([]*gh.PullRequestReview, error) {
	var all []*gh.PullRequestReview
	for pg := 1; pg > 0; {
		var list []*gh.PullRequestReview
		u := fmt.Sprintf("repos/%s/pulls/%d/reviews?per_page=100&page=%d", repo, number, pg)
		resp, _, err := r.get(ctx, u, "", &list)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		pg = resp.NextPage
	}
	return all, nil
}

// reviewRows adds a submitted review and its "reviewed" item event;
// PENDING reviews (no submitted_at, visible to their author only) are left
// out.
func (r *run) reviewRows(p *page, itemID string, rv *gh.PullRequestReview) {
	if rv.GetState() == "PENDING" || rv.SubmittedAt == nil {
		return
	}
	id := strconv.FormatInt(rv.GetID(), 10)
	who := p.user(rv.User)
	p.put(store.Review{ReviewID: r.src.cfg.Name + ":" + id, ItemID: itemID, ReviewerID: who,
		State: rv.GetState(), SubmittedAt: ts(rv.SubmittedAt)})
	p.put(store.Event{EventID: r.src.cfg.Name + ":rv:" + id, ItemID: itemID, OccurredAt: rv.GetSubmittedAt().UTC(),
		ActorID: who, Kind: "reviewed", ToValue: rv.GetState()})
}
