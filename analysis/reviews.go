package analysis

// The macros of the review facts (sql/v_review_waits_stable.sql,
// sql/v_pr_phases.sql).
func init() {
	RegisterPrelude(2, func(*Env) []string { return []string{teamAtMacro, nonnegMacro} })
}

// teamAtMacro defines team_at(person, t): the team person was a member of
// at instant t (the alphabetically first when several), else the current
// team, so work done before a move counts for the team of the time.
const teamAtMacro = `CREATE OR REPLACE MACRO team_at(person, t) AS coalesce(
	(SELECT min(m.team) FROM team_members m WHERE m.person_id = person
		AND (m.since IS NULL OR m.since <= t) AND (m.until IS NULL OR m.until > t)),
	(SELECT min(m.team) FROM team_members m WHERE m.person_id = person AND m.until IS NULL))`

// nonnegMacro defines nonneg(x): x clamped at 0, NULL kept (greatest
// skips NULLs, which would turn "not yet" into 0).
const nonnegMacro = `CREATE OR REPLACE MACRO nonneg(x) AS CASE WHEN x < 0 THEN 0 ELSE x END`
