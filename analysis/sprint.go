package analysis

// Sprint facts, from sprints and sprint_items (whose committed flag says
// the item was in the sprint at its start).
//
// v_sprint_commitment, one row per sprint: committed = items in it at the
// start; completed = committed items completed in the sprint (so
// completed/committed is the commitment completion); added = items added
// after the start (and not removed before it); removed = items removed
// after the start and before the sprint closed (its completion, or its
// planned end when that came first); carried_over = items still in the
// sprint when it closed and not completed in it (NULL until the sprint has
// closed). team = the team most of its items belong to. Extra columns:
// board_id, state, close_at (when it closed or will), ended (closed by
// now), added_completed.
//
// v_carryover, one row per item that missed at least one closed sprint
// (was in it at the close and not completed in it): sprints = how many
// such sprints, consecutive = the longest run of them that follow each
// other on the board (sprints ordered by start). An item carried from
// sprint 1 into sprint 2 and done there has consecutive 1; one that missed
// sprints 1 and 2 has 2. Extra columns: last_end_at (close of the last
// sprint of that run), last_sprint (its name), run_sprints (the run's
// sprint names in order).
func init() {
	RegisterDerived(Derived{
		Name:  "v_sprint_commitment",
		Doc:   "per sprint: items committed at start, completed, added after start, removed before end, carried over",
		Order: 20,
		Table: true, // small, read by several modules
		SQL:   sprintCommitmentSQL,
	})
	RegisterDerived(Derived{
		Name:  "v_carryover",
		Doc:   "per item: closed sprints it was in without being done, and the longest consecutive run of them",
		Order: 20,
		SQL:   carryoverSQL,
	})
}

// sprintClose is when sprint s closed (or will): its completion, or its
// planned end when that came first or it has not completed.
const sprintClose = `least(s.end_at, coalesce(s.complete_at, s.end_at))`

const sprintCommitmentSQL = `WITH si AS (
	SELECT s.sprint_id, s.name, s.board_id, s.state, s.start_at, s.end_at,
		coalesce(` + sprintClose + `, s.complete_at) AS close_at,
		(lower(s.state) = 'closed' OR coalesce(` + sprintClose + `, s.complete_at) <= env_now()) AS ended,
		x.item_id, coalesce(x.committed, false) AS committed,
		coalesce(x.completed_in_sprint, false) AS completed, x.added_at, x.removed_at, it.team
	FROM sprints s
	LEFT JOIN sprint_items x USING (sprint_id)
	LEFT JOIN items it ON it.item_id = x.item_id
)
SELECT sprint_id, any_value(name) AS sprint, mode(team) AS team, any_value(start_at) AS start_at,
	any_value(end_at) AS end_at,
	count(item_id) FILTER (WHERE committed) AS committed,
	count(item_id) FILTER (WHERE committed AND completed) AS completed,
	count(item_id) FILTER (WHERE NOT committed AND (removed_at IS NULL OR removed_at > start_at)) AS added,
	count(item_id) FILTER (WHERE removed_at > start_at AND removed_at < close_at) AS removed,
	CASE WHEN bool_and(ended) THEN count(item_id) FILTER (WHERE NOT completed
		AND (removed_at IS NULL OR removed_at >= close_at) AND (committed OR removed_at IS NULL OR removed_at > start_at)) END AS carried_over,
	any_value(board_id) AS board_id, any_value(state) AS state, any_value(close_at) AS close_at,
	bool_and(ended) AS ended,
	count(item_id) FILTER (WHERE NOT committed AND completed) AS added_completed
FROM si GROUP BY sprint_id`

const carryoverSQL = `WITH seq AS (
	SELECT s.sprint_id, s.name, coalesce(s.board_id, s.source) AS board, ` + sprintClose + ` AS close_at,
		dense_rank() OVER (PARTITION BY coalesce(s.board_id, s.source) ORDER BY s.start_at, s.sprint_id) AS n
	FROM sprints s
	WHERE s.start_at IS NOT NULL AND (lower(s.state) = 'closed' OR ` + sprintClose + ` <= env_now())
),
missed AS (
	SELECT x.item_id, q.board, q.n, q.name, q.close_at,
		q.n - row_number() OVER (PARTITION BY x.item_id, q.board ORDER BY q.n) AS grp
	FROM sprint_items x JOIN seq q USING (sprint_id)
	WHERE NOT coalesce(x.completed_in_sprint, false) AND (x.removed_at IS NULL OR x.removed_at >= q.close_at)
),
runs AS (
	SELECT item_id, count(*) AS len, max(close_at) AS last_end_at, arg_max(name, n) AS last_sprint,
		list(name ORDER BY n) AS run_sprints
	FROM missed GROUP BY item_id, board, grp
),
best AS (
	SELECT item_id, arg_max(len, (len, last_end_at)) AS consecutive,
		arg_max(last_end_at, (len, last_end_at)) AS last_end_at,
		arg_max(last_sprint, (len, last_end_at)) AS last_sprint,
		arg_max(run_sprints, (len, last_end_at)) AS run_sprints
	FROM runs GROUP BY item_id
)
SELECT b.item_id, it.key, it.team, c.sprints, b.consecutive, b.last_end_at, b.last_sprint, b.run_sprints
FROM best b
JOIN items it USING (item_id)
JOIN (SELECT item_id, count(*) AS sprints FROM missed GROUP BY item_id) c USING (item_id)`
