package jira

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// issueLink is an element of an issue's issuelinks: exactly one of
// InwardIssue and OutwardIssue is set.
type issueLink struct {
	ID   string `json:"id"`
	Type struct {
		Name    string `json:"name"`
		Inward  string `json:"inward"`
		Outward string `json:"outward"`
	} `json:"type"`
	InwardIssue  *linkedIssue `json:"inwardIssue"`
	OutwardIssue *linkedIssue `json:"outwardIssue"`
}

type linkedIssue struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

// linkType normalises a link type to the store's names, read in the
// outward direction (the outward issue is "from"): blocks runs from the
// blocker to the blocked issue, duplicates from the duplicate to the
// original, clones from the clone to the cloned issue.
func linkType(name, outward string) string {
	n, o := strings.ToLower(name), strings.ToLower(outward)
	switch {
	case n == "blocks" || o == "blocks":
		return "blocks"
	case n == "duplicate" || o == "duplicates":
		return "duplicates"
	case n == "cloners" || o == "clones":
		return "clones"
	case n == "relates" || o == "relates to":
		return "relates"
	}
	return n
}

// phrases maps the history wording of the standard link types ("This issue
// <phrase> KEY") to the normalised type and whether this issue is the
// outward ("from") side.
var phrases = map[string]struct {
	typ     string
	outward bool
}{
	"blocks": {"blocks", true}, "is blocked by": {"blocks", false},
	"duplicates": {"duplicates", true}, "is duplicated by": {"duplicates", false},
	"clones": {"clones", true}, "is cloned by": {"clones", false},
	"relates to": {"relates", true},
	"causes":     {"causes", true}, "is caused by": {"causes", false},
	"split to": {"split", true}, "split from": {"split", false},
}

// orient gives symmetric links (relates) one direction, lower id first, so
// both ends' records name the same row.
func orient(l store.Link) store.Link {
	if l.Type == "relates" && l.ToItem < l.FromItem {
		l.FromItem, l.ToItem = l.ToItem, l.FromItem
	}
	return l
}

// linkPhrase reads "This issue is blocked by PLAT-7" (with KEY the linked
// issue's key) as a link type and direction.
func linkPhrase(text, key string) (typ string, outward bool) {
	p := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), key))
	p = strings.ToLower(strings.TrimPrefix(p, "This issue "))
	if ph, ok := phrases[p]; ok {
		return ph.typ, ph.outward
	}
	return p, true
}

// currentLinks turns an issue's issuelinks into link rows, with the link's
// creation time when this issue's own history records it.
func (c *converter) currentLinks(id string, links []issueLink, hs []history) []store.Link {
	var out []store.Link
	for _, l := range links {
		other := l.OutwardIssue
		if other == nil {
			other = l.InwardIssue
		}
		if other == nil || other.ID == "" {
			continue
		}
		from, to := c.itemID(id), c.itemID(other.ID)
		if l.OutwardIssue == nil {
			from, to = to, from
		}
		row := store.Link{FromItem: from, ToItem: to, Type: linkType(l.Type.Name, l.Type.Outward)}
		row.CreatedAt = firstLinkAdd(hs, other.Key)
		out = append(out, orient(row))
	}
	return out
}

func firstLinkAdd(hs []history, key string) *time.Time {
	for _, h := range hs {
		for _, ch := range h.Items {
			if strings.EqualFold(ch.Field, "link") && ch.To == key {
				t := h.at
				return &t
			}
		}
	}
	return nil
}

// linkHistory recomputes link creation and removal times of the whole
// source from the stored Link history of both ends: created_at is the first
// time either side recorded the link, removed_at the last removal when no
// later addition followed. Keys are resolved to item ids through the stored
// items and the Key history of moved issues; links to issues never synced
// (other projects) are skipped, since their ids are unknown.
func linkHistory(ctx context.Context, st *store.Store, src string) ([]store.Link, error) {
	keys, err := itemKeys(ctx, st.DB(), src)
	if err != nil {
		return nil, fmt.Errorf("link history: %w", err)
	}
	spans, err := linkSpans(ctx, st.DB(), src, keys)
	if err != nil {
		return nil, fmt.Errorf("link history: %w", err)
	}
	out := make([]store.Link, 0, len(spans))
	for k, s := range spans {
		k.CreatedAt, k.RemovedAt = s.created, s.removed
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.FromItem != b.FromItem {
			return a.FromItem < b.FromItem
		}
		if a.ToItem != b.ToItem {
			return a.ToItem < b.ToItem
		}
		return a.Type < b.Type
	})
	return out, nil
}

// itemKeys maps the keys of the source's stored issues to their item ids,
// with the old keys of moved issues, which still name them in older history.
func itemKeys(ctx context.Context, db *sql.DB, src string) (map[string]string, error) {
	keys := map[string]string{}
	err := scanPairs(ctx, db, `SELECT key, item_id FROM items WHERE source = ?`, src, func(k, id string) { keys[k] = id })
	if err != nil {
		return nil, err
	}
	err = scanPairs(ctx, db, `SELECT e.from_value, e.item_id FROM item_events e
JOIN items i ON i.item_id = e.item_id WHERE i.source = ? AND e.kind = 'key' AND e.from_value IS NOT NULL`, src,
		func(k, id string) {
			if _, taken := keys[k]; !taken {
				keys[k] = id
			}
		})
	return keys, err
}

// scanPairs runs a query selecting two text columns and hands each row to each.
func scanPairs(ctx context.Context, db *sql.DB, q, src string, each func(a, b string)) error {
	rows, err := db.QueryContext(ctx, q, src)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		each(a, b)
	}
	return rows.Err()
}

// linkSpan is when a link was first added and, if it is gone, last removed.
type linkSpan struct {
	created, removed *time.Time
}

// linkSpans folds the source's stored Link changelog entries, oldest first,
// into one span per link.
func linkSpans(ctx context.Context, db *sql.DB, src string, keys map[string]string) (map[store.Link]*linkSpan, error) {
	rows, err := db.QueryContext(ctx, `SELECT e.item_id, e.occurred_at, e.from_id, e.to_id, e.from_value, e.to_value
FROM item_events e JOIN items i ON i.item_id = e.item_id
WHERE i.source = ? AND e.kind = 'link' ORDER BY e.occurred_at, e.event_id`, src)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	spans := map[store.Link]*linkSpan{}
	for rows.Next() {
		var itemID string
		var at time.Time
		var fr, to, frText, toText sql.NullString
		if err := rows.Scan(&itemID, &at, &fr, &to, &frText, &toText); err != nil {
			return nil, err
		}
		at = at.UTC()
		addLinkChange(spans, keys, itemID, at, fr.String, frText.String, false)
		addLinkChange(spans, keys, itemID, at, to.String, toText.String, true)
	}
	return spans, rows.Err()
}

// addLinkChange applies one side of a Link entry of itemID: the addition
// (add) or removal of the link to the issue key, worded as text.
func addLinkChange(spans map[store.Link]*linkSpan, keys map[string]string, itemID string, at time.Time, key, text string, add bool) {
	other, ok := keys[key]
	if key == "" || !ok {
		return
	}
	typ, outward := linkPhrase(text, key)
	k := store.Link{FromItem: itemID, ToItem: other, Type: typ}
	if !outward {
		k.FromItem, k.ToItem = other, itemID
	}
	k = orient(k)
	s := spans[k]
	if s == nil {
		s = &linkSpan{}
		spans[k] = s
	}
	if !add {
		s.removed = &at
		return
	}
	if s.created == nil {
		s.created = &at
	}
	s.removed = nil
}
