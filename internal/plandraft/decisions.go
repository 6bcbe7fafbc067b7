package plandraft

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/systemic-dev/systemic/internal/store"
)

// decisionPoint reports whether a status or label name marks a decision:
// one of the config's decision states, or containing a decision word.
func (b *builder) decisionPoint(name string) bool {
	lower := strings.ToLower(name)
	for _, s := range b.opts.DecisionStates {
		if strings.EqualFold(s, name) {
			return true
		}
	}
	for _, w := range b.opts.DecisionWords {
		if w != "" && strings.Contains(lower, strings.ToLower(w)) {
			return true
		}
	}
	return false
}

// mover is who moved items out of a decision point, and how often.
type mover struct {
	name string
	n    int
}

// decisions drafts one decision right per decision status and project:
// the people who moved items out of that status within Recent (bots left
// out) are the candidate owners, most moves first.
func (b *builder) decisions(ctx context.Context) error {
	rows, err := b.db.QueryContext(ctx, `SELECT e.from_value, i.container, coalesce(i.team, ''),
	coalesce(id.person_id, e.actor_id) AS who, coalesce(p.display_name, id.display_name, id.login, '') AS shown, count(*) AS n
FROM item_events e
JOIN items i ON i.item_id = e.item_id
LEFT JOIN identities id ON id.identity_id = e.actor_id
LEFT JOIN people p ON p.person_id = id.person_id
WHERE e.kind = 'status' AND coalesce(e.from_value, '') <> '' AND i.container IS NOT NULL AND e.actor_id IS NOT NULL
	AND NOT coalesce(id.is_bot, false) AND NOT coalesce(p.is_bot, false) AND e.occurred_at >= ?
GROUP BY ALL
ORDER BY e.from_value, i.container, n DESC, who`, b.opts.AsOf.Add(-b.opts.Recent))
	if err != nil {
		return fmt.Errorf("status changes: %w", err)
	}
	defer rows.Close()
	type point struct{ state, project, team string }
	movers := map[point][]mover{}
	var order []point
	for rows.Next() {
		var pt point
		var who, shown string
		var n int
		if err := rows.Scan(&pt.state, &pt.project, &pt.team, &who, &shown, &n); err != nil {
			return fmt.Errorf("status changes: %w", err)
		}
		if !b.decisionPoint(pt.state) || !b.teamOK(pt.team) {
			continue
		}
		if _, seen := movers[pt]; !seen {
			order = append(order, pt)
		}
		movers[pt] = append(movers[pt], mover{name: ownerName(who, shown), n: n})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("status changes: %w", err)
	}
	sla := b.opts.Thresholds.DecisionSLA.String()
	for _, pt := range order {
		owners, total, shown := candidates(movers[pt])
		id := b.id(pt.project, pt.state)
		b.draft.Decisions = append(b.draft.Decisions, Entry{ID: id, Key: pt.state + " | " + pt.project,
			YAML: fmt.Sprintf("{id: %s, title: %s, owners: %s, sla: %s, match: {states: [%s], projects: [%s]}}",
				id, q(fmt.Sprintf("%s decisions in %s", pt.state, pt.project)), list(owners), sla, q(pt.state), q(pt.project)),
			Source: fmt.Sprintf("from status %q in %s: left %d times, %s; the SLA is the config's decision_sla, confirm who owns these decisions",
				pt.state, pt.project, total, shown)})
	}
	return nil
}

// candidates are the movers who made at least a fifth of the moves (at
// most three, at least the first), the total, and a "who moved how many"
// text for the comment.
func candidates(ms []mover) (owners []string, total int, shown string) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].n > ms[j].n })
	for _, m := range ms {
		total += m.n
	}
	var parts []string
	for i, m := range ms {
		if i < 3 {
			parts = append(parts, fmt.Sprintf("%s %d", m.name, m.n))
		}
		if len(owners) < 3 && (i == 0 || 5*m.n >= total) {
			owners = append(owners, m.name)
		}
	}
	return owners, total, "by " + strings.Join(parts, ", ") + more(len(ms), 3)
}

// ownerName is how plan.yaml names a person: the display name when it maps
// back to the person id (the report matches owners that way), else the id.
func ownerName(personID, display string) string {
	if display != "" && store.PersonID(display) == personID {
		return display
	}
	return personID
}
