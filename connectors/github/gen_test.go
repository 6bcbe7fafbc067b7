package github

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// genOptions shape a generated dataset: per repository, prs pull requests
// with their reviews, review requests, draft history, merges, comments,
// and one issue for every tenth PR.
type genOptions struct {
	repos      []string
	prs        int
	maxReviews int // the first PR gets exactly this many reviews
	seed       uint64
	// reviewsUpTo and eventsUpTo, when set, give every other PR up to that
	// many reviews and label events (else 0-3 reviews, a few events).
	reviewsUpTo, eventsUpTo int
}

type user struct {
	Login   string `json:"login"`
	ID      int64  `json:"id"`
	Type    string `json:"type"`
	HTMLURL string `json:"html_url"`
}

type label struct {
	Name string `json:"name"`
}

var genBase = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func genUsers() []user {
	names := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
	var us []user
	for i, n := range names {
		us = append(us, user{Login: n, ID: int64(1000 + i), Type: "User", HTMLURL: "https://github.com/" + n})
	}
	return append(us, user{Login: "dependabot[bot]", ID: 49699333, Type: "Bot", HTMLURL: "https://github.com/apps/dependabot"})
}

// generate writes a dataset directory (DIR/github) and returns DIR.
func generate(tb testing.TB, o genOptions) string {
	tb.Helper()
	dir := tb.TempDir()
	root := filepath.Join(dir, "github")
	w := newJSONL(tb, filepath.Join(root, "repos.jsonl"))
	for i, full := range o.repos {
		owner := full[:indexSlash(full)]
		w.add(map[string]any{"id": 500 + i, "name": full[len(owner)+1:], "full_name": full,
			"owner": map[string]any{"login": owner, "id": 77, "type": "Organization"}, "private": false,
			"archived": false, "html_url": "https://github.com/" + full, "default_branch": "main"})
		genRepo(tb, filepath.Join(root, "repos", owner, full[len(owner)+1:]), full, i, o)
	}
	w.close()
	return dir
}

func indexSlash(s string) int {
	for i := range s {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

type repoGen struct {
	full                                     string
	rng                                      *rand.Rand
	users                                    []user
	pulls, reviews, issues, events, comments *jsonl
	reviewComments                           *jsonl
	nextID                                   int64
}

func genRepo(tb testing.TB, dir, full string, idx int, o genOptions) {
	g := &repoGen{full: full, rng: rand.New(rand.NewPCG(o.seed, uint64(idx))), users: genUsers(), nextID: int64(idx+1) * 10_000_000}
	g.pulls = newJSONL(tb, filepath.Join(dir, "pulls.jsonl"))
	g.reviews = newJSONL(tb, filepath.Join(dir, "reviews.jsonl"))
	g.issues = newJSONL(tb, filepath.Join(dir, "issues.jsonl"))
	g.events = newJSONL(tb, filepath.Join(dir, "events.jsonl"))
	g.comments = newJSONL(tb, filepath.Join(dir, "comments.jsonl"))
	g.reviewComments = newJSONL(tb, filepath.Join(dir, "review_comments.jsonl"))
	n := 0
	for i := 0; i < o.prs; i++ {
		n++
		reviews := g.rng.IntN(4)
		if o.reviewsUpTo > 0 {
			reviews = g.rng.IntN(o.reviewsUpTo + 1)
		}
		if i == 0 {
			reviews = o.maxReviews
		}
		g.pull(n, reviews)
		if o.eventsUpTo > 0 {
			g.labelChurn(n, g.rng.IntN(o.eventsUpTo-10+1))
		}
		if i%10 == 9 {
			n++
			g.issue(n)
		}
	}
	for _, w := range []*jsonl{g.pulls, g.reviews, g.issues, g.events, g.comments, g.reviewComments} {
		w.close()
	}
}

func (g *repoGen) id() int64 { g.nextID++; return g.nextID }

func (g *repoGen) api(kind string, n int) string {
	return fmt.Sprintf("https://api.github.com/repos/%s/%s/%d", g.full, kind, n)
}

func stampT(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (g *repoGen) event(n int, isPR bool, kind string, at time.Time, actor user, extra map[string]any) {
	issue := map[string]any{"number": n, "url": g.api("issues", n)}
	if isPR {
		issue["pull_request"] = map[string]any{"url": g.api("pulls", n)}
	}
	ev := map[string]any{"id": g.id(), "event": kind, "actor": actor, "created_at": stampT(at), "issue": issue}
	for k, v := range extra {
		ev[k] = v
	}
	g.events.add(ev)
}

// pull writes one PR with its history; times advance in whole minutes.
func (g *repoGen) pull(n, reviews int) {
	author := g.users[g.rng.IntN(len(g.users))]
	created := genBase.Add(time.Duration(n) * 37 * time.Minute)
	t := created
	step := func() time.Time { t = t.Add(time.Duration(1+g.rng.IntN(240)) * time.Minute); return t }
	draft := g.rng.IntN(5) == 0
	if draft {
		g.event(n, true, "ready_for_review", step(), author, nil)
	}
	reviewer := g.users[(int(author.ID)+1)%8]
	g.event(n, true, "review_requested", step(), author, map[string]any{"requested_reviewer": reviewer, "review_requester": author})
	if g.rng.IntN(4) == 0 {
		g.event(n, true, "review_requested", step(), author, map[string]any{
			"requested_team": map[string]any{"id": 42, "name": "Platform", "slug": "platform"}, "review_requester": author})
		if g.rng.IntN(2) == 0 {
			g.event(n, true, "review_request_removed", step(), author, map[string]any{
				"requested_team": map[string]any{"id": 42, "name": "Platform", "slug": "platform"}, "review_requester": author})
		}
	}
	states := []string{"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"}
	for i := 0; i < reviews; i++ {
		st := states[g.rng.IntN(len(states))]
		rv := map[string]any{"id": g.id(), "user": reviewer, "body": "", "state": st, "submitted_at": stampT(step()),
			"commit_id": "abc", "pull_request_url": g.api("pulls", n), "html_url": "https://github.com/" + g.full}
		g.reviews.add(rv)
	}
	if g.rng.IntN(10) == 0 {
		g.reviews.add(map[string]any{"id": g.id(), "user": g.users[0], "state": "PENDING", "body": "",
			"pull_request_url": g.api("pulls", n)})
	}
	labels := []label{{Name: "kind/feature"}}
	g.event(n, true, "labeled", step(), author, map[string]any{"label": labels[0]})
	if g.rng.IntN(3) == 0 {
		g.comments.add(map[string]any{"id": g.id(), "user": reviewer, "created_at": stampT(step()), "updated_at": stampT(t),
			"issue_url": g.api("issues", n), "html_url": "https://github.com/" + g.full})
		g.reviewComments.add(map[string]any{"id": g.id(), "user": reviewer, "created_at": stampT(step()), "updated_at": stampT(t),
			"pull_request_url": g.api("pulls", n), "pull_request_review_id": 1})
	}
	state, merged := "open", false
	var mergedAt, closedAt any
	var mergedBy any
	switch r := g.rng.IntN(10); {
	case r < 7:
		state, merged = "closed", true
		at := step()
		mergedAt, closedAt, mergedBy = stampT(at), stampT(at), reviewer
		g.event(n, true, "merged", at, reviewer, nil)
		g.event(n, true, "closed", at, reviewer, nil)
	case r < 8:
		state = "closed"
		closedAt = stampT(step())
		g.event(n, true, "closed", t, author, nil)
	}
	g.pulls.add(map[string]any{
		"url": g.api("pulls", n), "id": g.id(), "html_url": fmt.Sprintf("https://github.com/%s/pull/%d", g.full, n),
		"number": n, "state": state, "title": fmt.Sprintf("Change %d", n), "user": author, "body": "",
		"labels": labels, "milestone": nil, "created_at": stampT(created), "updated_at": stampT(step()),
		"closed_at": closedAt, "merged_at": mergedAt, "assignee": author, "assignees": []user{author},
		"requested_reviewers": []user{}, "requested_teams": []any{}, "draft": false, // drafts were made ready (ready_for_review above)
		"base": map[string]any{"ref": "main"}, "head": map[string]any{"ref": fmt.Sprintf("change-%d", n)},
		"merged": merged, "merged_by": mergedBy, "comments": 0, "review_comments": 0, "commits": 1 + g.rng.IntN(5),
		"additions": g.rng.IntN(500), "deletions": g.rng.IntN(200), "changed_files": 1 + g.rng.IntN(20),
	})
}

// labelChurn adds k labeled/unlabeled events to PR n, after its history.
func (g *repoGen) labelChurn(n, k int) {
	at := genBase.Add(time.Duration(n)*37*time.Minute + 30*24*time.Hour)
	for i := 0; i < k; i++ {
		kind := []string{"labeled", "unlabeled"}[i%2]
		g.event(n, true, kind, at.Add(time.Duration(i)*time.Minute), g.users[i%8], map[string]any{"label": label{Name: "churn"}})
	}
}

func (g *repoGen) issue(n int) {
	author := g.users[g.rng.IntN(len(g.users))]
	created := genBase.Add(time.Duration(n) * 37 * time.Minute)
	state, closed := "open", any(nil)
	updated := created.Add(time.Hour)
	g.event(n, false, "labeled", created.Add(time.Minute), author, map[string]any{"label": label{Name: "bug"}})
	if g.rng.IntN(2) == 0 {
		state, closed = "closed", stampT(updated)
		g.event(n, false, "closed", updated, author, nil)
	}
	g.issues.add(map[string]any{"id": g.id(), "number": n, "title": fmt.Sprintf("Bug %d", n), "state": state,
		"user": author, "labels": []label{{Name: "bug"}}, "assignees": []user{}, "milestone": nil,
		"created_at": stampT(created), "updated_at": stampT(updated), "closed_at": closed,
		"html_url": fmt.Sprintf("https://github.com/%s/issues/%d", g.full, n)})
}

type jsonl struct {
	tb testing.TB
	f  *os.File
	w  *bufio.Writer
}

func newJSONL(tb testing.TB, path string) *jsonl {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	return &jsonl{tb: tb, f: f, w: bufio.NewWriter(f)}
}

func (j *jsonl) add(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		j.tb.Fatal(err)
	}
	j.w.Write(b)
	j.w.WriteByte('\n')
}

func (j *jsonl) close() {
	if err := j.w.Flush(); err != nil {
		j.tb.Fatal(err)
	}
	j.f.Close()
}
