package plandraft

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// dependencies drafts one dependency per pair of teams joined by "blocks"
// links: the blocking team delivers to the waiting one, the blocking items
// are the scope. Links still current count: either end open, or the link
// made within Recent.
func (b *builder) dependencies(ctx context.Context) error {
	rows, err := b.db.QueryContext(ctx, `SELECT bl.team, w.team, bl.key, w.key
FROM links l
JOIN items bl ON bl.item_id = l.from_item
JOIN items w ON w.item_id = l.to_item
WHERE l.type = 'blocks' AND l.removed_at IS NULL AND bl.team IS NOT NULL AND w.team IS NOT NULL AND bl.team <> w.team
	AND (bl.status_category <> 'done' OR w.status_category <> 'done' OR coalesce(l.created_at, w.created_at) >= ?)
ORDER BY bl.team, w.team, bl.key, w.key`, b.opts.AsOf.Add(-b.opts.Recent))
	if err != nil {
		return fmt.Errorf("blocks links: %w", err)
	}
	defer rows.Close()
	type pair struct{ from, to string }
	blockers := map[pair]map[string]bool{}
	waiting := map[pair]map[string]bool{}
	var order []pair
	for rows.Next() {
		var p pair
		var bk, wk string
		if err := rows.Scan(&p.from, &p.to, &bk, &wk); err != nil {
			return fmt.Errorf("blocks links: %w", err)
		}
		if !b.teamOK(p.from) || !b.teamOK(p.to) {
			continue
		}
		if blockers[p] == nil {
			blockers[p], waiting[p] = map[string]bool{}, map[string]bool{}
			order = append(order, p)
		}
		blockers[p][bk], waiting[p][wk] = true, true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("blocks links: %w", err)
	}
	for _, p := range order {
		keys := sorted(blockers[p])
		id := b.id(p.from, "to", p.to)
		b.draft.Dependencies = append(b.draft.Dependencies, Entry{ID: id, Key: p.from + " -> " + p.to,
			YAML: fmt.Sprintf("{id: %s, title: %s, from: %s, to: %s, what: %s, due: %s, scope: {keys: %s}}",
				id, q(fmt.Sprintf("%s work %s waits on", p.from, p.to)), q(p.from), q(p.to),
				q(fmt.Sprintf("%d items that block %s", len(keys), p.to)), date(b.draft.To), list(keys)),
			Source: fmt.Sprintf("from 'blocks' links: %s %s block %s of %s (%s); due is the period's end, set the promised date",
				p.from, nItems(len(keys)), nItems(len(waiting[p])), p.to, strings.Join(sorted(waiting[p])[:min(3, len(waiting[p]))], ", ")+more(len(waiting[p]), 3))})
	}
	return nil
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func more(n, shown int) string {
	if n > shown {
		return fmt.Sprintf(" and %d more", n-shown)
	}
	return ""
}
