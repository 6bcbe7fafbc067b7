package store

import (
	"database/sql/driver"
	"time"
)

// The row types below are what connectors write. Each maps one to one onto
// its table in schema.go. Empty strings and nil times are stored as NULL.
// Person references are identity ids made with IdentityID.

// Source is one configured tracker and how its latest sync ended.
// LastSyncAt is when that sync ran: it is stored as the source's last
// attempt (last_attempt_at), and as its last successful sync
// (last_sync_at) only when LastStatus is "ok"; a sync that did not end ok
// leaves the last success recorded before.
type Source struct {
	Name, Kind, URL string
	LastSyncAt      *time.Time
	LastStatus      string // ok, partial, failed
	LastError       string
}

// Identity is one account on one source.
type Identity struct {
	Source, ExternalID        string
	Login, Email, DisplayName string
	IsBot                     bool
	Inactive                  bool
}

// IdentityID is the stable reference to an account on a source, stored in
// every person column (assignee_id, author_id, ...).
func IdentityID(source, externalID string) string {
	if externalID == "" {
		return ""
	}
	return source + "/" + externalID
}

// Item is a Jira issue or epic, a GitHub pull request or issue.
type Item struct {
	ItemID, Source, Kind, Key, Container, Title, Type string
	Status, StatusCategory, Priority                  string
	AssigneeID, ReporterID, Team, ParentKey, EpicKey  string
	StoryPoints                                       *float64
	Labels, Components                                []string
	Milestone                                         string
	CreatedAt, UpdatedAt, ResolvedAt                  *time.Time
	URL                                               string
}

// Event is one history entry of an item: a Jira changelog item or a GitHub
// timeline event. EventID must be stable across syncs (upsert key).
type Event struct {
	EventID, ItemID      string
	OccurredAt           time.Time
	ActorID, Kind, Field string
	FromValue, ToValue   string
	FromID, ToID         string
}

// Status is one workflow status of a source, with its category
// (new, indeterminate, done).
type Status struct {
	Source, StatusID, Name, Category string
}

// Sprint is one agile sprint.
type Sprint struct {
	SprintID, Source, BoardID, Name, State string
	StartAt, EndAt, CompleteAt             *time.Time
	Goal                                   string
}

// SprintItem records an item's membership of a sprint.
type SprintItem struct {
	SprintID, ItemID   string
	AddedAt, RemovedAt *time.Time
	Committed          bool
	CompletedInSprint  bool
}

// Link is a directed relation between two items ("blocks" runs from the
// blocker to the blocked item).
type Link struct {
	FromItem, ToItem, Type string
	CreatedAt, RemovedAt   *time.Time
}

// PullRequest holds the pull-request facts of an item of kind pull_request.
type PullRequest struct {
	ItemID, Repo                           string
	Number                                 int
	AuthorID                               string
	Draft                                  bool
	CreatedAt, ReadyAt, MergedAt, ClosedAt *time.Time
	MergedByID                             string
	Additions, Deletions                   *int
	ChangedFiles, Commits                  *int
	BaseRef                                string
}

// Review is one submitted review (PENDING reviews are never stored).
type Review struct {
	ReviewID, ItemID, ReviewerID, State string
	SubmittedAt                         *time.Time
}

// ReviewRequest is one request for review of a person or a team.
type ReviewRequest struct {
	RequestID, ItemID, ReviewerID, ReviewerTeam string
	RequestedAt                                 time.Time
	RemovedAt                                   *time.Time
	RequesterID                                 string
}

// Comment is one comment on an item (kind: issue, review, ...).
type Comment struct {
	CommentID, ItemID, AuthorID string
	CreatedAt                   *time.Time
	Kind                        string
}

func (r Source) values() []driver.Value {
	var ok *time.Time
	if r.LastStatus == "ok" {
		ok = r.LastSyncAt
	}
	return []driver.Value{r.Name, r.Kind, str(r.URL), ts(ok), str(r.LastStatus), str(r.LastError), ts(r.LastSyncAt)}
}

func (r Identity) values() []driver.Value {
	return []driver.Value{IdentityID(r.Source, r.ExternalID), r.Source, r.ExternalID, str(r.Login), str(r.Email),
		str(r.DisplayName), r.IsBot, !r.Inactive, nil}
}

func (r Item) values() []driver.Value {
	return []driver.Value{r.ItemID, r.Source, r.Kind, r.Key, str(r.Container), str(r.Title), str(r.Type),
		str(r.Status), str(r.StatusCategory), str(r.Priority), str(r.AssigneeID), str(r.ReporterID),
		str(r.Team), str(r.ParentKey), str(r.EpicKey), float(r.StoryPoints), list(r.Labels), list(r.Components),
		str(r.Milestone), ts(r.CreatedAt), ts(r.UpdatedAt), ts(r.ResolvedAt), str(r.URL)}
}

func (r Event) values() []driver.Value {
	return []driver.Value{r.EventID, r.ItemID, r.OccurredAt.UTC(), str(r.ActorID), r.Kind, str(r.Field),
		str(r.FromValue), str(r.ToValue), str(r.FromID), str(r.ToID)}
}

func (r Status) values() []driver.Value {
	return []driver.Value{r.Source, r.StatusID, r.Name, str(r.Category)}
}

func (r Sprint) values() []driver.Value {
	return []driver.Value{r.SprintID, r.Source, str(r.BoardID), str(r.Name), str(r.State), ts(r.StartAt),
		ts(r.EndAt), ts(r.CompleteAt), str(r.Goal)}
}

func (r SprintItem) values() []driver.Value {
	return []driver.Value{r.SprintID, r.ItemID, ts(r.AddedAt), ts(r.RemovedAt), r.Committed, r.CompletedInSprint}
}

func (r Link) values() []driver.Value {
	return []driver.Value{r.FromItem, r.ToItem, r.Type, ts(r.CreatedAt), ts(r.RemovedAt)}
}

func (r PullRequest) values() []driver.Value {
	return []driver.Value{r.ItemID, r.Repo, int32(r.Number), str(r.AuthorID), r.Draft, ts(r.CreatedAt),
		ts(r.ReadyAt), ts(r.MergedAt), ts(r.ClosedAt), str(r.MergedByID), integer(r.Additions),
		integer(r.Deletions), integer(r.ChangedFiles), integer(r.Commits), str(r.BaseRef)}
}

func (r Review) values() []driver.Value {
	return []driver.Value{r.ReviewID, r.ItemID, str(r.ReviewerID), r.State, ts(r.SubmittedAt)}
}

func (r ReviewRequest) values() []driver.Value {
	return []driver.Value{r.RequestID, r.ItemID, str(r.ReviewerID), str(r.ReviewerTeam), r.RequestedAt.UTC(),
		ts(r.RemovedAt), str(r.RequesterID)}
}

func (r Comment) values() []driver.Value {
	return []driver.Value{r.CommentID, r.ItemID, str(r.AuthorID), ts(r.CreatedAt), str(r.Kind)}
}

func str(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func ts(t *time.Time) driver.Value {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC()
}

func float(f *float64) driver.Value {
	if f == nil {
		return nil
	}
	return *f
}

func integer(i *int) driver.Value {
	if i == nil {
		return nil
	}
	return int32(*i)
}

func list(s []string) driver.Value {
	if s == nil {
		return []string{}
	}
	return s
}
