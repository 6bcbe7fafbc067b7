package githubtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// listOmitted are the pull request fields GitHub's list endpoint leaves out;
// only GET /repos/{o}/{r}/pulls/{n} returns them.
var listOmitted = []string{"merged", "merged_by", "mergeable", "mergeable_state", "rebaseable",
	"additions", "deletions", "changed_files", "commits", "comments", "review_comments", "maintainer_can_modify"}

type repo struct {
	fullName, owner string
	raw             json.RawMessage
	pulls           []*entry // PRs, by number
	pullByNum       map[int]*entry
	reviews         map[int][]*entry // by PR number, oldest first
	issues          []*entry         // issues and PR-shaped issue entries
	events          []*entry         // oldest first
	comments        []*entry
	reviewComments  []*entry
}

// entry is one object with the fields the server filters and sorts on.
type entry struct {
	id               int64
	number           int
	state            string
	created, updated time.Time
	raw              json.RawMessage // full object
	list             json.RawMessage // as a list endpoint returns it (PRs)
}

// meta holds the fields of any served object the server looks at.
type meta struct {
	ID        int64                  `json:"id"`
	Number    int                    `json:"number"`
	State     string                 `json:"state"`
	CreatedAt time.Time              `json:"created_at"`
	UpdatedAt time.Time              `json:"updated_at"`
	Submitted *time.Time             `json:"submitted_at"`
	PRURL     string                 `json:"pull_request_url"`
	IssueURL  string                 `json:"issue_url"`
	Issue     *struct{ Number int }  `json:"issue"`
	Owner     struct{ Login string } `json:"owner"`
	FullName  string                 `json:"full_name"`
}

func load(dir string) (map[string]*repo, []string, error) {
	root := filepath.Join(dir, "github")
	var order []string
	repos := map[string]*repo{}
	err := eachLine(filepath.Join(root, "repos.jsonl"), func(raw json.RawMessage, m meta) error {
		if m.FullName == "" {
			return errors.New("repository without full_name")
		}
		repos[m.FullName] = &repo{fullName: m.FullName, owner: m.Owner.Login, raw: raw,
			pullByNum: map[int]*entry{}, reviews: map[int][]*entry{}}
		order = append(order, m.FullName)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, name := range order {
		if err := loadRepo(filepath.Join(root, "repos", filepath.FromSlash(name)), repos[name]); err != nil {
			return nil, nil, fmt.Errorf("repository %s: %w", name, err)
		}
	}
	return repos, order, nil
}

func loadRepo(dir string, r *repo) error {
	files := []struct {
		name string
		add  func(json.RawMessage, meta) error
	}{
		{"pulls.jsonl", r.addPull},
		{"reviews.jsonl", r.addReview},
		{"issues.jsonl", func(raw json.RawMessage, m meta) error {
			r.issues = append(r.issues, newEntry(raw, m))
			return nil
		}},
		{"events.jsonl", func(raw json.RawMessage, m meta) error {
			e := newEntry(raw, m)
			if m.Issue != nil {
				e.number = m.Issue.Number
			}
			r.events = append(r.events, e)
			return nil
		}},
		{"comments.jsonl", func(raw json.RawMessage, m meta) error {
			e := newEntry(raw, m)
			e.number = trailingNumber(m.IssueURL)
			r.comments = append(r.comments, e)
			return nil
		}},
		{"review_comments.jsonl", func(raw json.RawMessage, m meta) error {
			e := newEntry(raw, m)
			e.number = trailingNumber(m.PRURL)
			r.reviewComments = append(r.reviewComments, e)
			return nil
		}},
	}
	for _, f := range files {
		err := eachLine(filepath.Join(dir, f.name), f.add)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
	}
	sort.SliceStable(r.pulls, func(i, j int) bool { return r.pulls[i].number < r.pulls[j].number })
	for _, rv := range r.reviews {
		sort.SliceStable(rv, func(i, j int) bool { return rv[i].id < rv[j].id })
	}
	sort.SliceStable(r.events, func(i, j int) bool { return older(r.events[i], r.events[j]) })
	sort.SliceStable(r.comments, func(i, j int) bool { return r.comments[i].id < r.comments[j].id })
	sort.SliceStable(r.reviewComments, func(i, j int) bool { return r.reviewComments[i].id < r.reviewComments[j].id })
	return nil
}

func older(a, b *entry) bool {
	if !a.created.Equal(b.created) {
		return a.created.Before(b.created)
	}
	return a.id < b.id
}

func newEntry(raw json.RawMessage, m meta) *entry {
	e := &entry{id: m.ID, number: m.Number, state: m.State, created: m.CreatedAt, updated: m.UpdatedAt, raw: raw}
	if m.Submitted != nil {
		e.created = *m.Submitted
	}
	if e.updated.IsZero() {
		e.updated = e.created
	}
	return e
}

func (r *repo) addPull(raw json.RawMessage, m meta) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return err
	}
	for _, k := range listOmitted {
		delete(obj, k)
	}
	list, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	e := newEntry(raw, m)
	e.list = list
	if old, ok := r.pullByNum[m.Number]; ok { // a later line replaces an earlier one
		*old = *e
	} else {
		r.pulls = append(r.pulls, e)
		r.pullByNum[m.Number] = e
	}
	issue, err := issueOfPull(obj)
	if err != nil {
		return err
	}
	ie := newEntry(issue, m)
	r.issues = append(r.issues, ie)
	return nil
}

// issueOfPull builds the issue-shaped entry GitHub's /issues listing shows
// for a pull request.
func issueOfPull(pr map[string]json.RawMessage) (json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, k := range []string{"id", "node_id", "number", "title", "state", "user", "labels", "assignee",
		"assignees", "milestone", "locked", "created_at", "updated_at", "closed_at", "body", "author_association"} {
		if v, ok := pr[k]; ok {
			out[k] = v
		}
	}
	var url, html string
	json.Unmarshal(pr["url"], &url)
	json.Unmarshal(pr["html_url"], &html)
	out["html_url"] = pr["html_url"]
	issueURL, _ := json.Marshal(strings.Replace(url, "/pulls/", "/issues/", 1))
	out["url"] = issueURL
	link := map[string]json.RawMessage{"url": pr["url"], "html_url": pr["html_url"], "diff_url": pr["diff_url"],
		"patch_url": pr["patch_url"], "merged_at": pr["merged_at"]}
	for k, v := range link {
		if v == nil {
			link[k] = json.RawMessage("null")
		}
	}
	b, err := json.Marshal(link)
	if err != nil {
		return nil, err
	}
	out["pull_request"] = b
	return json.Marshal(out)
}

func (r *repo) addReview(raw json.RawMessage, m meta) error {
	n := trailingNumber(m.PRURL)
	if n == 0 {
		return fmt.Errorf("review %d: no pull_request_url", m.ID)
	}
	r.reviews[n] = append(r.reviews[n], newEntry(raw, m))
	return nil
}

// trailingNumber returns the number at the end of an API URL (".../pulls/12").
func trailingNumber(u string) int {
	n, _ := strconv.Atoi(u[strings.LastIndexByte(u, '/')+1:])
	return n
}

func eachLine(file string, fn func(json.RawMessage, meta) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		raw := json.RawMessage(append([]byte(nil), b...))
		var m meta
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("%s:%d: %w", file, line, err)
		}
		if err := fn(raw, m); err != nil {
			return fmt.Errorf("%s:%d: %w", file, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}
