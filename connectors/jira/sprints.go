package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// sprint is an agile sprint object (board sprint list, or the Sprint field
// of a Cloud issue).
type sprint struct {
	ID            int    `json:"id"`
	Name          string `json:"name"`
	State         string `json:"state"`
	StartDate     string `json:"startDate"`
	EndDate       string `json:"endDate"`
	CompleteDate  string `json:"completeDate"`
	OriginBoardID int    `json:"originBoardId"`
	BoardID       int    `json:"boardId"`
	Goal          string `json:"goal"`
}

// sprintRow converts a sprint object. A date that is not a time (Jira never
// sends one; a proxy or an import might) is left NULL and named in bad, so
// the caller can keep the stored value and warn instead of losing the
// board's sprints or erasing a good date.
func (c *converter) sprintRow(sp sprint) (row store.Sprint, bad []string) {
	row = store.Sprint{
		SprintID: c.sprintID(strconv.Itoa(sp.ID)),
		Source:   c.src,
		Name:     clean(sp.Name),
		State:    strings.ToLower(sp.State),
		Goal:     clean(sp.Goal),
	}
	if b := max(sp.OriginBoardID, sp.BoardID); b > 0 {
		row.BoardID = strconv.Itoa(b)
	}
	for _, d := range []struct {
		name, value string
		dst         **time.Time
	}{{"startDate", sp.StartDate, &row.StartAt}, {"endDate", sp.EndDate, &row.EndAt}, {"completeDate", sp.CompleteDate, &row.CompleteAt}} {
		t, err := optTime(d.value)
		if err != nil {
			bad = append(bad, d.name)
			continue
		}
		*d.dst = t
	}
	return row, bad
}

func (c *converter) sprintID(id string) string { return c.src + ":" + id }

// reDCSprint matches the Data Center form of a Sprint field value:
// com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=1,rapidViewId=2,state=CLOSED,name=S 1,...].
var reDCSprint = regexp.MustCompile(`\[(.*)\]\s*$`)

// sprintField reads the current sprints (objects on Cloud, strings on
// Data Center), records them as sprint rows of the page and returns their
// ids. A value that cannot be read is skipped with a warning; a sprint
// whose dates cannot be read keeps its membership but is not written from
// here (the board listing writes it, keeping stored dates).
func (c *converter) sprintField(p *page, key string, raw json.RawMessage) []string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var vals []json.RawMessage
	if err := json.Unmarshal(raw, &vals); err != nil {
		c.warn("jira sprint field unreadable; the issue's current sprints are skipped", "issue", key, "field", c.fields.Sprint, "err", err)
		return nil
	}
	var ids []string
	for _, v := range vals {
		sp, err := readSprintValue(v)
		if err != nil {
			c.warn("jira sprint value unreadable; skipped", "issue", key, "err", err)
			continue
		}
		if sp.ID == 0 {
			continue
		}
		ids = append(ids, strconv.Itoa(sp.ID))
		row, bad := c.sprintRow(sp)
		if len(bad) > 0 {
			c.warn("jira sprint dates unreadable in an issue's sprint field; the sprint row is left to the board listing", "issue", key, "sprint", sp.ID, "fields", bad)
			continue
		}
		p.sprints[row.SprintID] = row
	}
	return ids
}

func readSprintValue(v json.RawMessage) (sprint, error) {
	var sp sprint
	if len(v) > 0 && v[0] == '{' {
		err := json.Unmarshal(v, &sp)
		return sp, err
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return sp, err
	}
	return parseDCSprint(s), nil
}

// reDCKey starts a key=value pair of a Data Center sprint string; a piece
// that does not is the rest of a value holding a comma (a name or goal).
var reDCKey = regexp.MustCompile(`^[A-Za-z]+=`)

func parseDCSprint(s string) sprint {
	var sp sprint
	m := reDCSprint.FindStringSubmatch(s)
	if m == nil {
		return sp
	}
	var pairs []string
	for _, piece := range strings.Split(m[1], ",") {
		if n := len(pairs); n > 0 && !reDCKey.MatchString(piece) {
			pairs[n-1] += "," + piece
			continue
		}
		pairs = append(pairs, piece)
	}
	for _, kv := range pairs {
		k, v, _ := strings.Cut(kv, "=")
		if v == "<null>" {
			v = ""
		}
		switch k {
		case "id":
			sp.ID, _ = strconv.Atoi(v)
		case "rapidViewId":
			sp.BoardID, _ = strconv.Atoi(v)
		case "state":
			sp.State = v
		case "name":
			sp.Name = v
		case "startDate":
			sp.StartDate = v
		case "endDate":
			sp.EndDate = v
		case "completeDate":
			sp.CompleteDate = v
		case "goal":
			sp.Goal = v
		}
	}
	return sp
}

// sprintIDs splits a Sprint changelog value ("7, 9") into sprint ids.
func sprintIDs(s string) []string {
	var ids []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			ids = append(ids, f)
		}
	}
	return ids
}

// memberships derives sprint_items from the Sprint field's history and its
// current value: added_at is the first time the issue entered the sprint
// (its creation when it was in it before any history), removed_at the last
// time it left, when it is no longer in it. committed and
// completed_in_sprint are set after the sync from the sprint dates (see
// sprintCommitment).
func (c *converter) memberships(it store.Item, hs []history, current []string) []store.SprintItem {
	type span struct {
		added, removed *time.Time
		seen           bool
	}
	spans := map[string]*span{}
	get := func(id string) *span {
		if spans[id] == nil {
			spans[id] = &span{}
		}
		return spans[id]
	}
	for _, h := range hs {
		for _, ch := range h.Items {
			if !c.isSprintChange(ch) {
				continue
			}
			from, to := sprintIDs(ch.From), sprintIDs(ch.To)
			for _, id := range from {
				s := get(id)
				if !s.seen && s.added == nil {
					s.added = it.CreatedAt // in the sprint before its first recorded change
				}
				s.seen = true
				if !contains(to, id) {
					t := h.at
					s.removed = &t
				}
			}
			for _, id := range to {
				s := get(id)
				if !contains(from, id) && s.added == nil {
					t := h.at
					s.added = &t
				}
				s.seen = true
			}
		}
	}
	for _, id := range current {
		s := get(id)
		if s.added == nil {
			s.added = it.CreatedAt
		}
		s.removed = nil
	}
	ids := make([]string, 0, len(spans))
	for id := range spans {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]store.SprintItem, 0, len(ids))
	for _, id := range ids {
		s := spans[id]
		if !contains(current, id) && s.removed == nil && len(current) > 0 {
			continue // history says member, current value disagrees: trust the current value
		}
		out = append(out, store.SprintItem{SprintID: c.sprintID(id), ItemID: it.ItemID, AddedAt: s.added, RemovedAt: s.removed})
	}
	return out
}

func (c *converter) isSprintChange(ch change) bool {
	return (c.fields.Sprint != "" && ch.FieldID == c.fields.Sprint) || strings.EqualFold(ch.Field, "sprint")
}

// boardsAndSprints lists the configured boards (or those of the projects)
// and all their sprints.
func (s *Source) boardsAndSprints(ctx context.Context, a *api, c *converter, boards []int) ([]store.Sprint, error) {
	var rows []store.Sprint
	for _, b := range boards {
		sps, err := s.boardSprints(ctx, a, c, b)
		if err != nil {
			return nil, err
		}
		rows = append(rows, sps...)
	}
	return rows, nil
}

type agilePage struct {
	StartAt    int               `json:"startAt"`
	MaxResults int               `json:"maxResults"`
	IsLast     bool              `json:"isLast"`
	Values     []json.RawMessage `json:"values"`
}

// agileList pages through an agile listing.
func agileList(ctx context.Context, a *api, path string, q url.Values, each func(json.RawMessage) error) error {
	for start := 0; ; {
		q.Set("startAt", strconv.Itoa(start))
		q.Set("maxResults", "50")
		var pg agilePage
		if err := a.call(ctx, "GET", path, q, nil, &pg); err != nil {
			return err
		}
		for _, v := range pg.Values {
			if err := each(v); err != nil {
				return err
			}
		}
		start += len(pg.Values)
		if pg.IsLast || len(pg.Values) == 0 {
			return nil
		}
	}
}

func (s *Source) boardSprints(ctx context.Context, a *api, c *converter, board int) ([]store.Sprint, error) {
	var rows []store.Sprint
	path := fmt.Sprintf("rest/agile/1.0/board/%d/sprint", board)
	err := agileList(ctx, a, path, url.Values{}, func(v json.RawMessage) error {
		var sp sprint
		if err := json.Unmarshal(v, &sp); err != nil {
			return fmt.Errorf("jira %s: sprint of board %d: %w", s.cfg.Name, board, err)
		}
		if sp.OriginBoardID == 0 {
			sp.OriginBoardID = board
		}
		row, bad := c.sprintRow(sp)
		if len(bad) > 0 {
			c.warn("jira sprint dates unreadable; stored dates kept (NULL when none)", "board", board, "sprint", sp.ID, "fields", bad)
			c.markBadDates(row.SprintID, bad)
		}
		rows = append(rows, row)
		return nil
	})
	return rows, err
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// sprintCommitment sets committed (in the sprint when it started) and
// completed_in_sprint (resolved before the sprint completed, while in it,
// and still in it when it completed: an issue removed before then is
// listed as removed by Jira's sprint report, not as completed) on
// every sprint_items row of the source, from the stored sprint dates and
// resolution times. It runs after every sync, so rows written before a
// sprint started or completed are brought up to date.
const sprintCommitment = `
UPDATE sprint_items SET
  committed = s.start_at IS NOT NULL
    AND COALESCE(sprint_items.added_at, i.created_at) <= s.start_at
    AND (sprint_items.removed_at IS NULL OR sprint_items.removed_at > s.start_at),
  completed_in_sprint = s.complete_at IS NOT NULL AND i.resolved_at IS NOT NULL
    AND i.resolved_at <= s.complete_at
    AND COALESCE(sprint_items.added_at, i.created_at) <= i.resolved_at
    AND (sprint_items.removed_at IS NULL OR sprint_items.removed_at >= s.complete_at)
FROM sprints s, items i
WHERE sprint_items.sprint_id = s.sprint_id AND sprint_items.item_id = i.item_id AND i.source = ?`
