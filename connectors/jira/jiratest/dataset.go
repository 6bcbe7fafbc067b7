package jiratest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// dataset is one loaded DIR/jira, held in memory.
type dataset struct {
	cloud      bool
	serverInfo []byte
	fields     []byte
	statuses   []byte
	issues     []*issue // sorted by updated, then numeric id
	byID       map[string]*issue
	boards     []board
	sprints    []json.RawMessage
	sprintOf   []int // originBoardId of sprints[i]
}

type issue struct {
	id, key, project string
	updated          time.Time
	top              map[string]json.RawMessage // id, key, self, expand, ...
	fields           map[string]json.RawMessage
	histories        []json.RawMessage
	capped           []byte // the changelog object as embedded in search results
}

type board struct {
	ID       int `json:"id"`
	Location struct {
		ProjectKey string `json:"projectKey"`
	} `json:"location"`
	raw json.RawMessage
}

// load reads DIR/jira; changelogCap 0 takes Jira's cap for the dataset's
// deployment (40 on Cloud, 100 on Data Center).
func load(dir string, changelogCap int) (*dataset, error) {
	root := filepath.Join(dir, "jira")
	d := &dataset{byID: map[string]*issue{}}
	var err error
	if d.serverInfo, err = readOptional(root, "serverInfo.json", `{"deploymentType":"Server","version":"9.12.0"}`); err != nil {
		return nil, err
	}
	var info struct{ DeploymentType string }
	if err := json.Unmarshal(d.serverInfo, &info); err != nil {
		return nil, fmt.Errorf("jiratest: %s/serverInfo.json: %w", root, err)
	}
	d.cloud = strings.EqualFold(info.DeploymentType, "Cloud")
	if d.fields, err = readOptional(root, "fields.json", "[]"); err != nil {
		return nil, err
	}
	if d.statuses, err = readOptional(root, "statuses.json", "[]"); err != nil {
		return nil, err
	}
	if changelogCap <= 0 {
		changelogCap = 100
		if d.cloud {
			changelogCap = 40
		}
	}
	if err := d.loadIssues(filepath.Join(root, "issues.jsonl"), changelogCap); err != nil {
		return nil, err
	}
	if err := d.loadBoards(root); err != nil {
		return nil, err
	}
	return d, nil
}

func readOptional(root, name, def string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(root, name))
	if os.IsNotExist(err) {
		return []byte(def), nil
	}
	if err != nil {
		return nil, fmt.Errorf("jiratest: %w", err)
	}
	return b, nil
}

// eachLine calls fn with every non-blank line of a JSON Lines file; a missing
// file has no lines.
func eachLine(path string, fn func(line []byte) error) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("jiratest: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("jiratest: %s line %d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("jiratest: %s: %w", path, err)
	}
	return nil
}

func (d *dataset) loadIssues(path string, changelogCap int) error {
	err := eachLine(path, func(line []byte) error {
		is, err := parseIssue(line, changelogCap, d.cloud)
		if err != nil {
			return err
		}
		d.issues = append(d.issues, is)
		d.byID[is.id] = is
		return nil
	})
	if err != nil {
		return err
	}
	sort.SliceStable(d.issues, func(i, j int) bool {
		a, b := d.issues[i], d.issues[j]
		if !a.updated.Equal(b.updated) {
			return a.updated.Before(b.updated)
		}
		if len(a.id) != len(b.id) {
			return len(a.id) < len(b.id)
		}
		return a.id < b.id
	})
	return nil
}

func parseIssue(line []byte, changelogCap int, cloud bool) (*issue, error) {
	is := &issue{}
	if err := json.Unmarshal(line, &is.top); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(is.top["fields"], &is.fields); err != nil {
		return nil, fmt.Errorf("fields: %w", err)
	}
	var head struct {
		ID, Key string
		Fields  struct {
			Updated string
			Project struct{ Key string }
		}
		Changelog struct {
			Histories []json.RawMessage
		}
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return nil, err
	}
	is.id, is.key, is.project = head.ID, head.Key, head.Fields.Project.Key
	if is.project == "" {
		is.project, _, _ = strings.Cut(is.key, "-")
	}
	t, err := parseTime(head.Fields.Updated)
	if err != nil {
		return nil, fmt.Errorf("issue %s updated: %w", is.key, err)
	}
	is.updated = t
	is.histories = head.Changelog.Histories
	delete(is.top, "fields")
	delete(is.top, "changelog")
	is.capped = cappedChangelog(is.histories, changelogCap, cloud)
	return is, nil
}

// cappedChangelog renders the changelog object search embeds, as Jira
// does: at most limit histories with the full total; the oldest first on
// Data Center, the newest first on Cloud (whose enhanced search embeds 40).
func cappedChangelog(h []json.RawMessage, limit int, newestFirst bool) []byte {
	n := min(len(h), limit)
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"startAt":0,"maxResults":%d,"total":%d,"histories":[`, n, len(h))
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if newestFirst {
			b.Write(h[len(h)-1-i])
		} else {
			b.Write(h[i])
		}
	}
	b.WriteString("]}")
	return b.Bytes()
}

func (d *dataset) loadBoards(root string) error {
	raw, err := readOptional(root, "boards.json", "[]")
	if err != nil {
		return err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("jiratest: boards.json: %w", err)
	}
	for _, it := range items {
		var b board
		if err := json.Unmarshal(it, &b); err != nil {
			return fmt.Errorf("jiratest: boards.json: %w", err)
		}
		b.raw = it
		d.boards = append(d.boards, b)
	}
	return eachLine(filepath.Join(root, "sprints.jsonl"), func(line []byte) error {
		var s struct{ OriginBoardID int }
		if err := json.Unmarshal(line, &s); err != nil {
			return err
		}
		d.sprints = append(d.sprints, append(json.RawMessage(nil), line...))
		d.sprintOf = append(d.sprintOf, s.OriginBoardID)
		return nil
	})
}

// parseTime reads Jira's time formats (2026-01-02T10:00:00.000+0000 and
// RFC 3339).
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format %q", s)
}
