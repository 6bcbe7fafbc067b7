package analysis_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// fixture builds a small store by hand for module tests. People get two
// identities, "jira/<name>" and "gh/<name>", both merged to person <name>.
// Jira items are "jira:<KEY>"; pull requests "gh:<owner/repo>#<n>" with key
// "<owner/repo>#<n>". Times are hours after fxBase (a Monday).
//
//	f := newFixture(t)
//	f.person("ann", "platform")
//	f.issue(fxIssue{Key: "PLAT-1", Team: "platform", Assignee: "ann", Created: f.at(0, 10)})
//	f.status("PLAT-1", f.at(1, 10), "To Do", "In Progress", "ann")
//	env := f.env(f.at(-30, 0), f.at(30, 0), f.at(10, 0))
type fixture struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	tx      *store.Tx
	persons map[string]bool
	seq     int
}

// fxBase is Monday 2026-11-02 00:00 UTC.
var fxBase = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tx, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, st: st, tx: tx, persons: map[string]bool{}}
}

// at is fxBase plus day days and hour hours.
func (f *fixture) at(day int, hour float64) time.Time {
	return fxBase.AddDate(0, 0, day).Add(time.Duration(hour * float64(time.Hour)))
}

func (f *fixture) put(r store.Row) {
	f.t.Helper()
	if err := f.tx.Put(r); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.tx.Exec(q, args...); err != nil {
		f.t.Fatalf("%v\n%s", err, q)
	}
}

func (f *fixture) next() int { f.seq++; return f.seq }

// person adds a person in team (none when ""), member since forever.
func (f *fixture) person(name, team string) {
	f.t.Helper()
	f.addPerson(name, false)
	if team != "" {
		f.exec("INSERT OR IGNORE INTO teams VALUES (?)", team)
		f.exec("INSERT INTO team_members VALUES (?, ?, NULL, NULL)", team, name)
	}
}

// bot adds a bot account (left out of people metrics).
func (f *fixture) bot(name string) { f.addPerson(name, true) }

func (f *fixture) addPerson(name string, bot bool) {
	f.t.Helper()
	if f.persons[name] {
		f.t.Fatalf("fixture: person %s added twice", name)
	}
	f.persons[name] = true
	f.exec("INSERT INTO people VALUES (?, ?, NULL, ?)", name, strings.ToUpper(name[:1])+name[1:], bot)
	for _, src := range []string{"jira", "gh"} {
		f.put(store.Identity{Source: src, ExternalID: name, Login: name, DisplayName: name, IsBot: bot})
	}
}

// moveTeam ends name's current membership at when and starts one in team.
func (f *fixture) moveTeam(name, team string, when time.Time) {
	f.t.Helper()
	f.exec("INSERT OR IGNORE INTO teams VALUES (?)", team)
	f.exec("UPDATE team_members SET until = ? WHERE person_id = ? AND until IS NULL", when, name)
	f.exec("INSERT INTO team_members VALUES (?, ?, ?, NULL)", team, name, when)
}

// jiraID and ghID are the identity ids of a person ("" stays "").
func jiraID(name string) string { return store.IdentityID("jira", name) }
func ghID(name string) string   { return store.IdentityID("gh", name) }

// fxIssue is a Jira issue. Category defaults from Status: "Done" -> done,
// "To Do"/"" -> new, anything else indeterminate.
type fxIssue struct {
	Key, Team, Type, Status, Category string
	Assignee, Reporter, Epic, Parent  string
	Points                            float64
	Labels, Components                []string
	Created                           time.Time
	Resolved                          *time.Time
}

func (f *fixture) issue(it fxIssue) string {
	f.t.Helper()
	if it.Status == "" {
		it.Status = "To Do"
	}
	if it.Category == "" {
		it.Category = map[string]string{"Done": "done", "To Do": "new"}[it.Status]
		if it.Category == "" {
			it.Category = "indeterminate"
		}
	}
	if it.Type == "" {
		it.Type = "Story"
	}
	kind := "issue"
	if it.Type == "Epic" {
		kind = "epic"
	}
	var points *float64
	if it.Points > 0 {
		points = &it.Points
	}
	created := it.Created
	project, _, _ := strings.Cut(it.Key, "-")
	id := "jira:" + it.Key
	f.put(store.Item{ItemID: id, Source: "jira", Kind: kind, Key: it.Key, Container: project, Title: it.Key,
		Type: it.Type, Status: it.Status, StatusCategory: it.Category, AssigneeID: jiraID(it.Assignee),
		ReporterID: jiraID(it.Reporter), Team: it.Team, ParentKey: it.Parent, EpicKey: it.Epic,
		StoryPoints: points, Labels: it.Labels, Components: it.Components, CreatedAt: &created,
		UpdatedAt: &created, ResolvedAt: it.Resolved, URL: "https://jira.test/browse/" + it.Key})
	return id
}

// event adds a history entry to the item with key (Jira key or owner/repo#n).
func (f *fixture) event(key, kind string, when time.Time, actor, from, to string) {
	f.t.Helper()
	f.put(store.Event{EventID: fmt.Sprintf("fx:%d", f.next()), ItemID: f.itemID(key), OccurredAt: when,
		ActorID: f.actorID(key, actor), Kind: kind, FromValue: from, ToValue: to})
}

// status moves a Jira issue from one status to another.
func (f *fixture) status(key string, when time.Time, from, to, actor string) {
	f.event(key, "status", when, actor, from, to)
}

// inProgress gives assignee the issues prefix-first..prefix-last of team,
// each created the day before day 0 and moved to In Progress at 9:00 on
// day 0 by the assignee.
func (f *fixture) inProgress(assignee, team, prefix string, first, last int) {
	for i := first; i <= last; i++ {
		key := fmt.Sprintf("%s-%d", prefix, i)
		f.issue(fxIssue{Key: key, Team: team, Assignee: assignee, Status: "In Progress", Created: f.at(-1, 9)})
		f.status(key, f.at(0, 9), "To Do", "In Progress", assignee)
	}
}

// assign changes a Jira issue's assignee (names; "" for nobody). As the
// Jira connector does, from_id/to_id hold the raw account ids, not
// identity ids.
func (f *fixture) assign(key string, when time.Time, from, to, actor string) {
	f.t.Helper()
	f.put(store.Event{EventID: fmt.Sprintf("fx:%d", f.next()), ItemID: f.itemID(key), OccurredAt: when,
		ActorID: jiraID(actor), Kind: "assignee", FromValue: from, ToValue: to, FromID: from, ToID: to})
}

func (f *fixture) itemID(key string) string {
	if strings.Contains(key, "#") {
		return "gh:" + key
	}
	return "jira:" + key
}

func (f *fixture) actorID(key, actor string) string {
	if strings.Contains(key, "#") {
		return ghID(actor)
	}
	return jiraID(actor)
}

// fxPR is a pull request. Key is "owner/repo#n".
type fxPR struct {
	Key, Team, Author, MergedBy      string
	Draft                            bool
	Created                          time.Time
	Ready, Merged, Closed            *time.Time
	Additions, Deletions, FilesCount int
}

func (f *fixture) pr(p fxPR) string {
	f.t.Helper()
	repo, num, ok := strings.Cut(p.Key, "#")
	if !ok {
		f.t.Fatalf("fixture: PR key %q is not owner/repo#n", p.Key)
	}
	var n int
	fmt.Sscan(num, &n)
	status, cat, resolved := "open", "indeterminate", (*time.Time)(nil)
	switch {
	case p.Merged != nil:
		status, cat, resolved = "merged", "done", p.Merged
		if p.Closed == nil {
			p.Closed = p.Merged
		}
		if p.MergedBy == "" {
			p.MergedBy = p.Author
		}
	case p.Closed != nil:
		status, cat, resolved = "closed", "done", p.Closed
	}
	id := "gh:" + p.Key
	created := p.Created
	f.put(store.Item{ItemID: id, Source: "gh", Kind: "pull_request", Key: p.Key, Container: repo, Title: p.Key,
		Status: status, StatusCategory: cat, AssigneeID: "", ReporterID: ghID(p.Author), Team: p.Team,
		CreatedAt: &created, UpdatedAt: &created, ResolvedAt: resolved, URL: "https://github.test/" + repo + "/pull/" + num})
	f.put(store.PullRequest{ItemID: id, Repo: repo, Number: n, AuthorID: ghID(p.Author), Draft: p.Draft,
		CreatedAt: &created, ReadyAt: p.Ready, MergedAt: p.Merged, ClosedAt: p.Closed, MergedByID: ghID(p.MergedBy),
		Additions: &p.Additions, Deletions: &p.Deletions, ChangedFiles: &p.FilesCount})
	return id
}

// request asks reviewer (a person, or "team:<slug>") to review the PR;
// it also records the review_requested event, as the connector does.
func (f *fixture) request(key, reviewer string, when time.Time, requester string) {
	f.t.Helper()
	n := f.next()
	rq := store.ReviewRequest{RequestID: fmt.Sprintf("gh:ev:%d", n), ItemID: f.itemID(key), RequestedAt: when,
		RequesterID: ghID(requester)}
	ev := store.Event{EventID: fmt.Sprintf("gh:ev:%d", n), ItemID: f.itemID(key), OccurredAt: when,
		ActorID: ghID(requester), Kind: "review_requested"}
	if slug, ok := strings.CutPrefix(reviewer, "team:"); ok {
		rq.ReviewerTeam, ev.ToValue = slug, slug
	} else {
		rq.ReviewerID, ev.ToValue, ev.ToID = ghID(reviewer), reviewer, ghID(reviewer)
	}
	f.put(rq)
	f.put(ev)
}

// review submits a review (APPROVED, CHANGES_REQUESTED, COMMENTED).
func (f *fixture) review(key, reviewer, state string, when time.Time) {
	f.t.Helper()
	f.put(store.Review{ReviewID: fmt.Sprintf("gh:%d", f.next()), ItemID: f.itemID(key), ReviewerID: ghID(reviewer),
		State: state, SubmittedAt: &when})
}

// comment adds a comment by author.
func (f *fixture) comment(key, author string, when time.Time) {
	f.t.Helper()
	f.put(store.Comment{CommentID: fmt.Sprintf("gh:c:%d", f.next()), ItemID: f.itemID(key),
		AuthorID: f.actorID(key, author), CreatedAt: &when, Kind: "issue"})
}

// sprint adds a sprint of board.
func (f *fixture) sprint(id, name, board, state string, start, end time.Time, complete *time.Time) {
	f.put(store.Sprint{SprintID: "jira:" + id, Source: "jira", BoardID: board, Name: name, State: state,
		StartAt: &start, EndAt: &end, CompleteAt: complete})
}

// sprintItem records key's membership of sprint id.
func (f *fixture) sprintItem(id, key string, added, removed *time.Time, committed, completed bool) {
	f.put(store.SprintItem{SprintID: "jira:" + id, ItemID: f.itemID(key), AddedAt: added, RemovedAt: removed,
		Committed: committed, CompletedInSprint: completed})
}

// link adds a link between two keys ("blocks" runs from blocker to blocked).
func (f *fixture) link(from, to, typ string, created, removed *time.Time) {
	f.put(store.Link{FromItem: f.itemID(from), ToItem: f.itemID(to), Type: typ, CreatedAt: created, RemovedAt: removed})
}

// statuses declares Jira workflow statuses with their categories.
func (f *fixture) statuses(nameCategory ...string) {
	for i := 0; i+1 < len(nameCategory); i += 2 {
		f.put(store.Status{Source: "jira", StatusID: fmt.Sprint(i), Name: nameCategory[i], Category: nameCategory[i+1]})
	}
}

// commit writes everything staged, merges identities to people and returns
// the store. The fixture takes no more rows afterwards.
func (f *fixture) commit() *store.Store {
	f.t.Helper()
	f.exec("UPDATE identities SET person_id = external_id WHERE person_id IS NULL")
	if err := f.tx.Commit(); err != nil {
		f.t.Fatal(err)
	}
	return f.st
}

// env commits and prepares the derived facts for the window from..to with
// now as the instant open intervals are measured to.
func (f *fixture) env(from, to, now time.Time) *analysis.Env {
	f.t.Helper()
	st := f.commit()
	env := &analysis.Env{DB: st.DB(), From: from, To: to, Now: now, Thresholds: analysis.WithDefaults(config.Thresholds{})}
	if err := analysis.Prepare(f.ctx, st.DB(), env); err != nil {
		f.t.Fatal(err)
	}
	return env
}

// ptr returns a pointer to t (optional times in the row types).
func ptr(t time.Time) *time.Time { return &t }
