package plandraft

import (
	"context"
	"fmt"
)

// goals drafts one goal per epic that is open, or was finished within
// Recent, and holds work. The store keeps no due dates, so the period's
// end stands in and the comment says to set the real one.
func (b *builder) goals(ctx context.Context) error {
	rows, err := b.db.QueryContext(ctx, `SELECT e.key, coalesce(e.title, ''),
	coalesce(e.team, mode(c.team), '') AS team,
	count(c.item_id) AS items, count(c.item_id) FILTER (WHERE c.status_category <> 'done') AS open
FROM items e JOIN items c ON (c.epic_key = e.key OR c.parent_key = e.key) AND c.kind <> 'epic'
WHERE e.kind = 'epic' AND (coalesce(e.status_category, '') <> 'done' OR e.resolved_at >= ?)
GROUP BY e.key, e.title, e.team
ORDER BY team, e.key`, b.opts.AsOf.Add(-b.opts.Recent))
	if err != nil {
		return fmt.Errorf("epics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, title, team string
		var items, open int
		if err := rows.Scan(&key, &title, &team, &items, &open); err != nil {
			return fmt.Errorf("epics: %w", err)
		}
		if !b.teamOK(team) {
			continue
		}
		if title == "" {
			title = key
		}
		id := b.id(key)
		b.draft.Goals = append(b.draft.Goals, Entry{ID: id, Key: "epic " + key,
			YAML: fmt.Sprintf("{id: %s, title: %s, team: %s, due: %s, scope: {epics: [%s]}}", id, q(title), q(team), date(b.draft.To), q(key)),
			Source: fmt.Sprintf("from epic %s (%s, %d open); the tracker gave no due date: %s is the period's end, set the real one",
				key, nItems(items), open, date(b.draft.To))})
	}
	return rows.Err()
}

// milestones drafts one goal per GitHub milestone with open work or work
// finished within Recent, owned by the team holding most of its items.
func (b *builder) milestones(ctx context.Context) error {
	rows, err := b.db.QueryContext(ctx, `SELECT milestone, coalesce(mode(team), '') AS team, count(*) AS items,
	count(*) FILTER (WHERE status_category <> 'done') AS open
FROM items
WHERE coalesce(milestone, '') <> '' AND kind <> 'epic'
GROUP BY milestone
HAVING open > 0 OR max(resolved_at) >= ?
ORDER BY team, milestone`, b.opts.AsOf.Add(-b.opts.Recent))
	if err != nil {
		return fmt.Errorf("milestones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ms, team string
		var items, open int
		if err := rows.Scan(&ms, &team, &items, &open); err != nil {
			return fmt.Errorf("milestones: %w", err)
		}
		if !b.teamOK(team) {
			continue
		}
		id := b.id("milestone", ms)
		b.draft.Goals = append(b.draft.Goals, Entry{ID: id, Key: "milestone " + ms,
			YAML: fmt.Sprintf("{id: %s, title: %s, team: %s, due: %s, scope: {milestones: [%s]}}", id, q(ms), q(team), date(b.draft.To), q(ms)),
			Source: fmt.Sprintf("from milestone %q (%s, %d open, most of them %s's); set its due date (placeholder: %s)",
				ms, nItems(items), open, team, date(b.draft.To))})
	}
	return rows.Err()
}

// nItems is "1 item" or "3 items".
func nItems(n int) string {
	if n == 1 {
		return "1 item"
	}
	return fmt.Sprintf("%d items", n)
}
