package analysis

import "strings"

// v_label_intervals: per item and label, the stretches of time the label
// was on it. GitHub labeled/unlabeled events and Jira "labels" changes
// (space-separated before and after lists) open and close them; a label
// whose first change removes it, or that the item carries now without any
// change, was there from the item's creation. Labels are lowercased.
// decision_label(label) says whether a label marks an item as needing a
// decision: the names of the decision states (as written and with
// dashes) and needs-decision, decision-needed, awaiting-decision,
// needs-approval, awaiting-approval.
func init() {
	RegisterPrelude(1, decisionLabelMacro)
	RegisterDerived(Derived{
		Name:  "v_label_intervals",
		Doc:   "per item and label the time the label was on the item (added_by, removed_by as person ids)",
		Order: 10,
		SQL:   labelIntervalsSQL("true"),
	})
}

func decisionLabelMacro(env *Env) []string {
	names := []string{"needs-decision", "needs decision", "decision-needed", "decision needed",
		"awaiting-decision", "awaiting decision", "needs-approval", "awaiting-approval"}
	states := env.States.Decision
	if len(states) == 0 {
		states = defaultStates.Decision
	}
	for _, s := range states {
		s = strings.ToLower(strings.TrimSpace(s))
		names = append(names, s, strings.ReplaceAll(s, " ", "-"))
	}
	var quoted []string
	for _, n := range names {
		quoted = append(quoted, sqlString(n))
	}
	return []string{"CREATE OR REPLACE MACRO decision_label(label) AS lower(label) IN (" + strings.Join(quoted, ", ") + ")"}
}

// labelIntervalsSQL builds v_label_intervals' SELECT for the labels that
// satisfy pred (over a lowercased column label), filtered before any
// window so a narrow predicate keeps it cheap.
func labelIntervalsSQL(pred string) string {
	return `WITH ev AS (
	SELECT item_id, event_id, occurred_at, actor_id, kind, from_value, to_value FROM item_events
	WHERE kind IN ('labels', 'labeled', 'unlabeled')
),
jira AS (
	SELECT item_id, event_id, occurred_at, actor_id,
		list_filter(string_split(coalesce(from_value, ''), ' '), x -> x <> '') AS before,
		list_filter(string_split(coalesce(to_value, ''), ' '), x -> x <> '') AS after
	FROM ev WHERE kind = 'labels'
),
changes AS (
	SELECT * FROM (
		SELECT item_id, event_id, occurred_at, actor_id, lower(to_value) AS label, kind = 'labeled' AS label_on
		FROM ev WHERE kind IN ('labeled', 'unlabeled') AND coalesce(to_value, '') <> ''
		UNION ALL
		SELECT item_id, event_id, occurred_at, actor_id, lower(unnest(list_filter(after, x -> NOT list_contains(before, x)))), true FROM jira
		UNION ALL
		SELECT item_id, event_id, occurred_at, actor_id, lower(unnest(list_filter(before, x -> NOT list_contains(after, x)))), false FROM jira)
	WHERE ` + pred + `
),
firsts AS (
	SELECT item_id, label, arg_min(label_on, (occurred_at, event_id)) AS first_on FROM changes GROUP BY ALL
),
seeded AS (
	SELECT item_id, event_id, occurred_at, actor_id, label, label_on FROM changes
	UNION ALL
	SELECT f.item_id, '', it.created_at, NULL, f.label, true
	FROM firsts f JOIN items it USING (item_id) WHERE NOT f.first_on AND it.created_at IS NOT NULL
	UNION ALL
	SELECT l.item_id, '', l.created_at, NULL, l.label, true
	FROM (SELECT item_id, created_at, lower(unnest(labels)) AS label FROM items) l
	ANTI JOIN firsts f ON f.item_id = l.item_id AND f.label = l.label
	WHERE l.created_at IS NOT NULL AND ` + pred + `
),
flips AS (
	SELECT * FROM (
		SELECT s.*, lag(label_on, 1, false) OVER (PARTITION BY item_id, label ORDER BY occurred_at, event_id) AS was_on
		FROM seeded s)
	WHERE label_on <> was_on
),
spans AS (
	SELECT item_id, label, label_on, occurred_at AS start_at, actor_id,
		lead(occurred_at) OVER w AS end_at, lead(actor_id) OVER w AS end_actor
	FROM flips WINDOW w AS (PARTITION BY item_id, label ORDER BY occurred_at, event_id)
)
SELECT s.item_id, s.label, greatest(s.start_at, coalesce(it.created_at, s.start_at)) AS start_at,
	CASE WHEN s.end_at IS NOT NULL THEN greatest(s.end_at, coalesce(it.created_at, s.end_at)) END AS end_at, a.person_id AS added_by, r.person_id AS removed_by
FROM spans s
JOIN items it USING (item_id)
LEFT JOIN v_identity a ON a.identity_id = s.actor_id
LEFT JOIN v_identity r ON r.identity_id = s.end_actor
WHERE s.label_on`
}
