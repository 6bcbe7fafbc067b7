package analysis

// The base derived facts every module reads: people with their current
// team, and items with their assignee resolved to a person.
func init() {
	RegisterDerived(Derived{
		Name:  "v_identity",
		Doc:   "each account on each source with the person it belongs to (identity merge)",
		Order: -20,
		SQL: `SELECT i.identity_id, i.source, i.login, i.display_name,
	coalesce(i.person_id, i.identity_id) AS person_id,
	coalesce(i.is_bot, false) OR coalesce(p.is_bot, false) AS is_bot
FROM identities i LEFT JOIN people p ON p.person_id = i.person_id`,
	})
	RegisterDerived(Derived{
		Name:  "v_people",
		Doc:   "one row per person: display name, current team (NULL when in none), bot flag",
		Order: -10,
		SQL: `WITH persons AS (
	SELECT person_id, any_value(display_name) AS display_name, bool_or(is_bot) AS is_bot
	FROM (SELECT person_id, display_name, is_bot FROM people
	      UNION ALL SELECT person_id, display_name, is_bot FROM v_identity)
	GROUP BY person_id)
SELECT p.person_id, p.display_name,
	(SELECT min(m.team) FROM team_members m WHERE m.person_id = p.person_id AND m.until IS NULL) AS team,
	p.is_bot
FROM persons p`,
	})
	RegisterDerived(Derived{
		Name:  "v_items",
		Doc:   "every item (Jira issue, pull request, GitHub issue) with its team and assignee as a person",
		Order: -10,
		SQL: `SELECT it.item_id, it.source, it.kind, it.key, it.container, it.title, it.type, it.status,
	it.status_category, it.team, a.person_id AS assignee, r.person_id AS reporter, it.created_at,
	it.resolved_at, it.story_points, it.labels, it.components, it.epic_key, it.parent_key, it.milestone, it.url
FROM items it
LEFT JOIN v_identity a ON a.identity_id = it.assignee_id
LEFT JOIN v_identity r ON r.identity_id = it.reporter_id`,
	})
	RegisterDerived(Derived{
		Name:  "v_findings",
		Doc:   "every finding of every analyze run, newest run first",
		Order: 100,
		SQL: `SELECT f.*, r.from_ts, r.to_ts FROM findings f JOIN runs r USING (run_id)
ORDER BY r.started_at DESC, f.score DESC`,
	})
}
