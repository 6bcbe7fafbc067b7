package jira

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// rawIssue is one element of a search page's issues, changelog expanded.
type rawIssue struct {
	ID        string          `json:"id"`
	Key       string          `json:"key"`
	Fields    json.RawMessage `json:"fields"`
	Changelog *changelog      `json:"changelog"`

	// Filled by the page check (see check.go), so fields are decoded once.
	std     *stdFields
	custom  map[string]json.RawMessage
	updated time.Time
}

type changelog struct {
	StartAt    int       `json:"startAt"`
	MaxResults int       `json:"maxResults"`
	Total      int       `json:"total"`
	Histories  []history `json:"histories"`
}

// history is one changelog entry: who changed what when.
type history struct {
	ID      string   `json:"id"`
	Author  *user    `json:"author"`
	Created string   `json:"created"`
	Items   []change `json:"items"`
	at      time.Time
}

type change struct {
	Field      string `json:"field"`
	FieldType  string `json:"fieldtype"`
	FieldID    string `json:"fieldId"`
	From       string `json:"from"`
	FromString string `json:"fromString"`
	To         string `json:"to"`
	ToString   string `json:"toString"`
}

// stdFields are the system fields systemic asks for.
type stdFields struct {
	Summary string `json:"summary"`
	Status  *struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		StatusCategory struct {
			Key string `json:"key"`
		} `json:"statusCategory"`
	} `json:"status"`
	IssueType struct {
		Name string `json:"name"`
	} `json:"issuetype"`
	Priority *struct {
		Name string `json:"name"`
	} `json:"priority"`
	Assignee       *user  `json:"assignee"`
	Reporter       *user  `json:"reporter"`
	Created        string `json:"created"`
	Updated        string `json:"updated"`
	ResolutionDate string `json:"resolutiondate"`
	Labels         []string
	Components     []struct {
		Name string `json:"name"`
	} `json:"components"`
	Project struct {
		Key string `json:"key"`
	} `json:"project"`
	Parent *struct {
		Key    string `json:"key"`
		Fields struct {
			IssueType struct {
				Name string `json:"name"`
			} `json:"issuetype"`
		} `json:"fields"`
	} `json:"parent"`
	IssueLinks []issueLink `json:"issuelinks"`
}

// systemFields are requested on every search besides the custom ones.
var systemFields = []string{"summary", "status", "issuetype", "priority", "assignee", "reporter", "created",
	"updated", "resolutiondate", "labels", "components", "project", "parent", "issuelinks"}

// page holds the rows of one search page, ready for one store transaction.
type page struct {
	items       []store.Item
	events      []store.Event
	identities  map[string]store.Identity
	sprints     map[string]store.Sprint
	sprintItems []store.SprintItem
	links       []store.Link
	maxUpdated  time.Time
}

func newPage() *page {
	return &page{identities: map[string]store.Identity{}, sprints: map[string]store.Sprint{}}
}

// converter turns raw issues into store rows for one source.
type converter struct {
	src      string
	baseURL  string
	fields   fieldIDs
	statuses map[string]string // status id -> category
	decoder  *fieldsDecoder
	log      *slog.Logger // nil: warnings dropped

	mu       sync.Mutex
	warned   map[string]bool     // warnings already logged
	badDates map[string][]string // sprint id -> date fields unreadable in the board listing
}

// warn logs a data warning once per distinct message and values.
func (c *converter) warn(msg string, args ...any) {
	key := fmt.Sprint(msg, args)
	c.mu.Lock()
	if c.warned == nil {
		c.warned = map[string]bool{}
	}
	seen := c.warned[key]
	c.warned[key] = true
	c.mu.Unlock()
	if !seen && c.log != nil {
		c.log.Warn(msg, args...)
	}
}

// markBadDates records the sprint date fields the board listing could not read.
func (c *converter) markBadDates(sprintID string, fields []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.badDates == nil {
		c.badDates = map[string][]string{}
	}
	c.badDates[sprintID] = fields
}

func (c *converter) add(p *page, ri *rawIssue) error {
	if ri.std == nil {
		if msg := ri.check(c.decoder); msg != "" {
			return fmt.Errorf("%s", msg)
		}
	}
	f, custom := ri.std, ri.custom
	hs, err := sortedHistories(ri)
	if err != nil {
		return fmt.Errorf("issue %s: %w", ri.Key, err)
	}
	item, err := c.item(ri, f, custom, hs)
	if err != nil {
		return fmt.Errorf("issue %s: %w", ri.Key, err)
	}
	p.items = append(p.items, item)
	if item.UpdatedAt != nil && item.UpdatedAt.After(p.maxUpdated) {
		p.maxUpdated = *item.UpdatedAt
	}
	c.person(p, f.Assignee)
	c.person(p, f.Reporter)
	c.events(p, item.ItemID, hs)
	current := c.sprintField(p, ri.Key, custom[c.fields.Sprint])
	p.sprintItems = append(p.sprintItems, c.memberships(item, hs, current)...)
	p.links = append(p.links, c.currentLinks(ri.ID, f.IssueLinks, hs)...)
	return nil
}

func (c *converter) item(ri *rawIssue, f *stdFields, custom map[string]json.RawMessage, hs []history) (store.Item, error) {
	it := store.Item{
		ItemID:    c.itemID(ri.ID),
		Source:    c.src,
		Kind:      "issue",
		Key:       ri.Key,
		Container: f.Project.Key,
		Title:     clean(f.Summary),
		Type:      f.IssueType.Name,
		URL:       c.baseURL + "/browse/" + ri.Key,
	}
	if ri.ID == "" || ri.Key == "" || f.Status == nil {
		return it, fmt.Errorf("id, key or status missing")
	}
	it.Status = clean(f.Status.Name)
	if it.Container == "" {
		it.Container, _, _ = strings.Cut(ri.Key, "-")
	}
	if strings.EqualFold(it.Type, "epic") {
		it.Kind = "epic"
	}
	it.StatusCategory = c.statuses[f.Status.ID]
	if it.StatusCategory == "" {
		it.StatusCategory = category(f.Status.StatusCategory.Key)
	}
	if f.Priority != nil {
		it.Priority = f.Priority.Name
	}
	it.AssigneeID = c.userID(f.Assignee)
	it.ReporterID = c.userID(f.Reporter)
	if f.Parent != nil {
		it.ParentKey = f.Parent.Key
		if strings.EqualFold(f.Parent.Fields.IssueType.Name, "epic") {
			it.EpicKey = f.Parent.Key
		}
	}
	if v := stringValue(custom[c.fields.EpicLink]); v != "" {
		it.EpicKey = v
	}
	for _, id := range c.fields.StoryPoints {
		if v, ok := numberValue(custom[id]); ok {
			it.StoryPoints = &v
			break
		}
	}
	for _, l := range f.Labels {
		it.Labels = append(it.Labels, clean(l))
	}
	for _, comp := range f.Components {
		it.Components = append(it.Components, clean(comp.Name))
	}
	var err error
	if it.CreatedAt, err = optTime(f.Created); err != nil {
		return it, fmt.Errorf("created: %w", err)
	}
	if it.UpdatedAt, err = optTime(f.Updated); err != nil {
		return it, fmt.Errorf("updated: %w", err)
	}
	if it.ResolvedAt, err = optTime(f.ResolutionDate); err != nil {
		return it, fmt.Errorf("resolutiondate: %w", err)
	}
	if it.ResolvedAt == nil && it.StatusCategory == "done" {
		it.ResolvedAt = c.lastDoneEntry(hs, f.Status.ID)
	}
	return it, nil
}

func (c *converter) itemID(id string) string { return c.src + ":" + id }

// events turns every changelog item into an item_events row.
func (c *converter) events(p *page, itemID string, hs []history) {
	for _, h := range hs {
		actor := c.person(p, h.Author)
		for i, ch := range h.Items {
			p.events = append(p.events, store.Event{
				EventID:    c.src + ":" + h.ID + ":" + strconv.Itoa(i),
				ItemID:     itemID,
				OccurredAt: h.at,
				ActorID:    actor,
				Kind:       strings.ToLower(ch.Field),
				Field:      ch.FieldID,
				FromValue:  clean(ch.FromString),
				ToValue:    clean(ch.ToString),
				FromID:     clean(ch.From),
				ToID:       clean(ch.To),
			})
		}
	}
}

// sortedHistories parses the history times and orders the changelog oldest
// first (Jira Cloud embeds it newest first, the changelog endpoint oldest
// first), ties broken by numeric id. Duplicates (an embedded history fetched
// again while paging) are dropped.
func sortedHistories(ri *rawIssue) ([]history, error) {
	if ri.Changelog == nil {
		return nil, nil
	}
	hs := ri.Changelog.Histories
	seen := make(map[string]bool, len(hs))
	out := hs[:0]
	for _, h := range hs {
		if seen[h.ID] {
			continue
		}
		seen[h.ID] = true
		if h.at.IsZero() {
			t, err := parseTime(h.Created)
			if err != nil {
				return nil, fmt.Errorf("history %s: %w", h.ID, err)
			}
			h.at = t
		}
		out = append(out, h)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].at.Equal(out[j].at) {
			return out[i].at.Before(out[j].at)
		}
		return idLess(out[i].ID, out[j].ID)
	})
	return out, nil
}

// idLess orders numeric ids numerically.
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// lastDoneEntry is when an issue without a resolution last entered a status
// of the done category, judged by the status id against the status list,
// never by the status name (a status named "Done" may sit in another
// category, and names change); the entry into the current status counts
// too, its category being known from the issue. nil when none is recorded.
func (c *converter) lastDoneEntry(hs []history, current string) *time.Time {
	for i := len(hs) - 1; i >= 0; i-- {
		for _, ch := range hs[i].Items {
			if strings.EqualFold(ch.Field, "status") && (c.statuses[ch.To] == "done" || (ch.To != "" && ch.To == current)) {
				t := hs[i].at
				return &t
			}
		}
	}
	return nil
}

// parseTime reads Jira's time formats: 2026-01-02T10:00:00.000+0000 and
// RFC 3339 (agile dates: 2026-01-05T09:00:00.000Z).
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format %q", s)
}

func optTime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := parseTime(s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// stringValue reads a custom field holding a string (Epic Link: the key).
func stringValue(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// numberValue reads a number field (story points), also when Jira or an
// import wrote it as a string ("3.5", "-1").
func numberValue(raw json.RawMessage) (float64, bool) {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return 0, false
	}
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}
