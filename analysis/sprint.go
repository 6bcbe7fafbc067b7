package analysis

// Sprint facts, from sprints and sprint_items (whose committed flag says
// the item was in the sprint at its start).
//
// A sprint has ended once it closed: its complete date (Jira's
// completeDate), or its planned end when it is marked closed without one.
// A sprint past its planned end that nobody completed is still under way:
// its items are not "missed" yet, and completed_in_sprint (set at the
// close) says nothing about it.
//
// sprint_state(as_of), a table macro, one row per sprint as of an instant:
// committed = items in it at the start; completed = committed items
// completed in the sprint (so completed/committed is the commitment
// completion; 0 until it ended); added = items added after the start (and
// not removed before it) by as_of; removed = items removed after the start
// and before the sprint closed (its completion, or its planned end when
// that came first); carried_over = items still in the sprint when it
// closed and not completed in it (NULL until it ended). team = the team
// most of its items belong to. Extra columns: board_id, state, close_at
// (when it closed or will), ended_at (when it was completed; NULL until
// then), ended (ended_at <= as_of), under_way (started by as_of and not
// ended), added_completed, and for a sprint under way its numbers so far
// (0 for the others): in_sprint (items in it at as_of), done_so_far (of
// those, done by as_of while in it) and committed_done_so_far (committed
// ones among them).
//
// v_sprint_commitment is sprint_state(env_now()).
//
// v_carryover, one row per item that missed at least one ended sprint
// (was in it at the close and not completed in it): sprints = how many
// such sprints, consecutive = the longest run of them that follow each
// other on the board (sprints ordered by start). An item carried from
// sprint 1 into sprint 2 and done there has consecutive 1; one that missed
// sprints 1 and 2 has 2. Extra columns: last_end_at (when the last
// sprint of that run ended), last_sprint (its name), run_sprints (the run's
// sprint names in order).
func init() {
	RegisterPrelude(3, func(*Env) []string { return []string{sprintStateMacro} })
}

// sprintClose is when sprint s closed (or will): its completion, or its
// planned end when that came first or it has not completed.
const sprintClose = `least(s.end_at, coalesce(s.complete_at, s.end_at))`

// sprintEnded is when sprint s ended: its completion, or its planned end
// when it is closed without a complete date; NULL while it is not closed.
const sprintEnded = `coalesce(s.complete_at, CASE WHEN lower(s.state) = 'closed' THEN s.end_at END)`

const sprintStateMacro = `CREATE OR REPLACE MACRO sprint_state(as_of) AS TABLE
WITH si AS (
	SELECT s.sprint_id, s.name, s.board_id, s.state, s.start_at, s.end_at,
		coalesce(` + sprintClose + `, s.complete_at) AS close_at, ` + sprintEnded + ` AS ended_at,
		coalesce(` + sprintEnded + ` <= as_of, false) AS ended,
		x.item_id, coalesce(x.committed, false) AS committed,
		coalesce(x.completed_in_sprint, false) AS completed, x.added_at, x.removed_at, it.team,
		coalesce(x.added_at, it.created_at, s.start_at) AS in_at, it.resolved_at
	FROM sprints s
	LEFT JOIN sprint_items x USING (sprint_id)
	LEFT JOIN items it ON it.item_id = x.item_id
),
known AS (
	SELECT *, item_id IS NOT NULL AND in_at <= as_of AND (removed_at IS NULL OR removed_at > as_of) AS in_now,
		resolved_at <= as_of AND resolved_at >= in_at AS done_now,
		coalesce(start_at <= as_of, false) AS started, removed_at <= as_of AS removed_now
	FROM si WHERE item_id IS NULL OR committed OR in_at <= as_of
)
SELECT sprint_id, any_value(name) AS sprint, mode(team) AS team, any_value(start_at) AS start_at,
	any_value(end_at) AS end_at,
	count(item_id) FILTER (WHERE committed) AS committed,
	count(item_id) FILTER (WHERE committed AND completed AND ended) AS completed,
	count(item_id) FILTER (WHERE NOT committed AND (removed_at IS NULL OR removed_at > start_at)) AS added,
	count(item_id) FILTER (WHERE removed_at > start_at AND removed_at < close_at AND removed_now) AS removed,
	CASE WHEN bool_and(ended) THEN count(item_id) FILTER (WHERE NOT completed
		AND (removed_at IS NULL OR removed_at >= close_at) AND (committed OR removed_at IS NULL OR removed_at > start_at)) END AS carried_over,
	any_value(board_id) AS board_id, any_value(state) AS state, any_value(close_at) AS close_at,
	bool_and(ended) AS ended,
	count(item_id) FILTER (WHERE NOT committed AND completed AND ended) AS added_completed,
	any_value(ended_at) AS ended_at,
	bool_and(started) AND NOT bool_and(ended) AS under_way,
	count(item_id) FILTER (WHERE in_now AND started AND NOT ended) AS in_sprint,
	count(item_id) FILTER (WHERE in_now AND started AND NOT ended AND done_now) AS done_so_far,
	count(item_id) FILTER (WHERE in_now AND started AND NOT ended AND done_now AND committed) AS committed_done_so_far
FROM known GROUP BY sprint_id`
