package github

import (
	"errors"
	"fmt"
	"time"
)

// The GraphQL documents the connector sends. Field names follow GitHub's
// public schema (PullRequest, PullRequestReview, the *Event timeline item
// types, Actor, RequestedReviewer); githubtest answers them by operation
// name. No named fragments: the actor selection is spelled out where used.
const (
	gqlActor    = `__typename login ... on User { databaseId } ... on Bot { databaseId } ... on Mannequin { databaseId } ... on Organization { databaseId }`
	gqlReviewer = `__typename ... on User { login databaseId } ... on Bot { login databaseId } ... on Mannequin { login databaseId } ... on Team { slug name organization { login } }`

	gqlReviewFields = `pageInfo { hasNextPage endCursor } nodes { databaseId state submittedAt author { ` + gqlActor + ` } }`
	gqlReviewStates = `states: [APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED]`

	gqlTimelineTypes = `itemTypes: [REVIEW_REQUESTED_EVENT, REVIEW_REQUEST_REMOVED_EVENT, READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT,
		MERGED_EVENT, HEAD_REF_FORCE_PUSHED_EVENT, REVIEW_DISMISSED_EVENT, CLOSED_EVENT, REOPENED_EVENT, ASSIGNED_EVENT,
		UNASSIGNED_EVENT, LABELED_EVENT, UNLABELED_EVENT, MILESTONED_EVENT, DEMILESTONED_EVENT, RENAMED_TITLE_EVENT]`
	gqlTimelineFields = `pageInfo { hasNextPage endCursor } nodes { __typename
		... on ReviewRequestedEvent { id createdAt actor { ` + gqlActor + ` } requestedReviewer { ` + gqlReviewer + ` } }
		... on ReviewRequestRemovedEvent { id createdAt actor { ` + gqlActor + ` } requestedReviewer { ` + gqlReviewer + ` } }
		... on ReadyForReviewEvent { id createdAt actor { ` + gqlActor + ` } }
		... on ConvertToDraftEvent { id createdAt actor { ` + gqlActor + ` } }
		... on MergedEvent { id createdAt actor { ` + gqlActor + ` } }
		... on HeadRefForcePushedEvent { id createdAt actor { ` + gqlActor + ` } }
		... on ReviewDismissedEvent { id createdAt actor { ` + gqlActor + ` } previousReviewState review { databaseId } }
		... on ClosedEvent { id createdAt actor { ` + gqlActor + ` } }
		... on ReopenedEvent { id createdAt actor { ` + gqlActor + ` } }
		... on AssignedEvent { id createdAt actor { ` + gqlActor + ` } assignee { ` + gqlReviewer + ` } }
		... on UnassignedEvent { id createdAt actor { ` + gqlActor + ` } assignee { ` + gqlReviewer + ` } }
		... on LabeledEvent { id createdAt actor { ` + gqlActor + ` } label { name } }
		... on UnlabeledEvent { id createdAt actor { ` + gqlActor + ` } label { name } }
		... on MilestonedEvent { id createdAt actor { ` + gqlActor + ` } milestoneTitle }
		... on DemilestonedEvent { id createdAt actor { ` + gqlActor + ` } milestoneTitle }
		... on RenamedTitleEvent { id createdAt actor { ` + gqlActor + ` } previousTitle currentTitle } }`

	gqlRateLimit = `rateLimit { cost remaining resetAt limit }`

	// queryPulls pages pull requests newest update first with everything
	// the store keeps of them. Four connections per PR: with 100 PRs a
	// page that is 1 + 4 x 100 requests, 4 points (GitHub's rule). GitHub
	// allows at most 10 assignees per PR, so one page of them is all.
	queryPulls = `query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
  ` + gqlRateLimit + `
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title state isDraft createdAt updatedAt closedAt mergedAt url baseRefName
        additions deletions changedFiles commits { totalCount }
        author { ` + gqlActor + ` }
        mergedBy { ` + gqlActor + ` }
        milestone { title }
        labels(first: 100) { nodes { name } }
        assignees(first: 10) { nodes { ` + gqlActor + ` } }
        reviews(first: $nested, ` + gqlReviewStates + `) { ` + gqlReviewFields + ` }
        timelineItems(first: $nested, ` + gqlTimelineTypes + `) { ` + gqlTimelineFields + ` }
      }
    }
  }
}`

	queryReviews = `query PullRequestReviews($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  ` + gqlRateLimit + `
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) { reviews(first: $first, after: $after, ` + gqlReviewStates + `) { ` + gqlReviewFields + ` } }
  }
}`

	queryTimeline = `query PullRequestTimeline($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  ` + gqlRateLimit + `
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) { timelineItems(first: $first, after: $after, ` + gqlTimelineTypes + `) { ` + gqlTimelineFields + ` } }
  }
}`
)

type gqlPageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

type gqlConn[T any] struct {
	PageInfo gqlPageInfo `json:"pageInfo"`
	Nodes    []*T        `json:"nodes"`
}

// gqlActor is an Actor, a RequestedReviewer or an Assignee: a User, Bot,
// Mannequin or Organization (login, databaseId) or a Team (slug, name,
// organization).
type gqlWho struct {
	Typename     string `json:"__typename"`
	Login        string `json:"login"`
	DatabaseID   int64  `json:"databaseId"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Organization *struct {
		Login string `json:"login"`
	} `json:"organization"`
}

type gqlPull struct {
	Number       int        `json:"number"`
	Title        string     `json:"title"`
	State        string     `json:"state"`
	IsDraft      bool       `json:"isDraft"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	ClosedAt     *time.Time `json:"closedAt"`
	MergedAt     *time.Time `json:"mergedAt"`
	URL          string     `json:"url"`
	BaseRefName  string     `json:"baseRefName"`
	Additions    *int       `json:"additions"`
	Deletions    *int       `json:"deletions"`
	ChangedFiles *int       `json:"changedFiles"`
	Commits      struct {
		TotalCount *int `json:"totalCount"`
	} `json:"commits"`
	Author    *gqlWho `json:"author"`
	MergedBy  *gqlWho `json:"mergedBy"`
	Milestone *struct {
		Title string `json:"title"`
	} `json:"milestone"`
	Labels struct {
		Nodes []*struct {
			Name string `json:"name"`
		} `json:"nodes"`
	} `json:"labels"`
	Assignees     gqlConn[gqlWho]      `json:"assignees"`
	Reviews       gqlConn[gqlReview]   `json:"reviews"`
	TimelineItems gqlConn[gqlTimeline] `json:"timelineItems"`
}

type gqlReview struct {
	DatabaseID  int64      `json:"databaseId"`
	State       string     `json:"state"`
	SubmittedAt *time.Time `json:"submittedAt"`
	Author      *gqlWho    `json:"author"`
}

type gqlTimeline struct {
	Typename          string    `json:"__typename"`
	ID                string    `json:"id"`
	CreatedAt         time.Time `json:"createdAt"`
	Actor             *gqlWho   `json:"actor"`
	RequestedReviewer *gqlWho   `json:"requestedReviewer"`
	Assignee          *gqlWho   `json:"assignee"`
	Label             *struct {
		Name string `json:"name"`
	} `json:"label"`
	MilestoneTitle      string `json:"milestoneTitle"`
	PreviousTitle       string `json:"previousTitle"`
	CurrentTitle        string `json:"currentTitle"`
	PreviousReviewState string `json:"previousReviewState"`
	Review              *struct {
		DatabaseID int64 `json:"databaseId"`
	} `json:"review"`
}

type gqlRate struct {
	Cost      int       `json:"cost"`
	Remaining int       `json:"remaining"`
	Limit     int       `json:"limit"`
	ResetAt   time.Time `json:"resetAt"`
}

// pullsData is the data of a PullRequests reply.
type pullsData struct {
	RateLimit  *gqlRate `json:"rateLimit"`
	Repository *struct {
		PullRequests *gqlConn[gqlPull] `json:"pullRequests"`
	} `json:"repository"`
}

// nestedData is the data of a PullRequestReviews or PullRequestTimeline reply.
type nestedData struct {
	RateLimit  *gqlRate `json:"rateLimit"`
	Repository *struct {
		PullRequest *struct {
			Reviews       *gqlConn[gqlReview]   `json:"reviews"`
			TimelineItems *gqlConn[gqlTimeline] `json:"timelineItems"`
		} `json:"pullRequest"`
	} `json:"repository"`
}

func (d *pullsData) rate() *gqlRate  { return d.RateLimit }
func (d *nestedData) rate() *gqlRate { return d.RateLimit }

// check validates a PullRequests reply: the connection present and every
// PR with its number, state and times.
func (d *pullsData) check() error {
	if d.Repository == nil || d.Repository.PullRequests == nil {
		return malformed("GitHub returned no repository.pullRequests")
	}
	for i, pr := range d.Repository.PullRequests.Nodes {
		if err := pr.check(); err != nil {
			return malformed("GitHub returned pull request %d of the page without what every one has: %v", i, err)
		}
	}
	return nil
}

func (pr *gqlPull) check() error {
	switch {
	case pr == nil:
		return errors.New("null")
	case pr.Number <= 0:
		return errors.New("number missing")
	case pr.State != "OPEN" && pr.State != "CLOSED" && pr.State != "MERGED":
		return fmt.Errorf("state %q", pr.State)
	case !plausible(pr.CreatedAt) || !plausible(pr.UpdatedAt):
		return errors.New("createdAt or updatedAt missing")
	}
	if err := checkReviews(pr.Reviews.Nodes); err != nil {
		return err
	}
	return checkTimeline(pr.TimelineItems.Nodes)
}

func (d *nestedData) check() error {
	if d.Repository == nil || d.Repository.PullRequest == nil {
		return malformed("GitHub returned no repository.pullRequest")
	}
	pr := d.Repository.PullRequest
	var err error
	switch {
	case pr.Reviews != nil:
		err = checkReviews(pr.Reviews.Nodes)
	case pr.TimelineItems != nil:
		err = checkTimeline(pr.TimelineItems.Nodes)
	default:
		return malformed("GitHub returned a pull request without the asked list")
	}
	if err != nil {
		return malformed("GitHub returned %v", err)
	}
	return nil
}

func checkReviews(rs []*gqlReview) error {
	for i, rv := range rs {
		if rv == nil || rv.DatabaseID == 0 || rv.State == "" {
			return fmt.Errorf("review %d without id or state", i)
		}
		if rv.State != "PENDING" && (rv.SubmittedAt == nil || !plausible(*rv.SubmittedAt)) {
			return fmt.Errorf("review %d without submittedAt", i)
		}
	}
	return nil
}

func checkTimeline(evs []*gqlTimeline) error {
	for i, ev := range evs {
		if ev == nil || ev.Typename == "" || ev.ID == "" || !plausible(ev.CreatedAt) {
			return fmt.Errorf("timeline item %d without type, id or createdAt", i)
		}
	}
	return nil
}
