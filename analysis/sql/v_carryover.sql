-- per item: ended sprints it was in without being done, and the longest consecutive run of them
--
-- item_id: the item
-- key: its key
-- team: its team
-- sprints: ended sprints it was in at the close without being completed
-- consecutive: the longest run of them that follow each other on the board
-- last_end_at: when the last sprint of that run ended
-- last_sprint: that sprint's name
-- run_sprints: the run's sprint names in order
--
-- @order 20
-- @dialect duckdb
WITH seq AS (
	SELECT s.sprint_id, s.name, coalesce(s.board_id, s.source) AS board, least(s.end_at, coalesce(s.complete_at, s.end_at)) AS close_at,
		coalesce(s.complete_at, CASE WHEN lower(s.state) = 'closed' THEN s.end_at END) AS ended_at,
		dense_rank() OVER (PARTITION BY coalesce(s.board_id, s.source) ORDER BY s.start_at, s.sprint_id) AS n
	FROM sprints s
	WHERE s.start_at IS NOT NULL AND coalesce(s.complete_at, CASE WHEN lower(s.state) = 'closed' THEN s.end_at END) <= env_now()
),
missed AS (
	SELECT x.item_id, q.board, q.n, q.name, q.ended_at,
		q.n - row_number() OVER (PARTITION BY x.item_id, q.board ORDER BY q.n) AS grp
	FROM sprint_items x JOIN seq q USING (sprint_id)
	WHERE NOT coalesce(x.completed_in_sprint, false) AND (x.removed_at IS NULL OR x.removed_at >= q.close_at)
),
runs AS (
	SELECT item_id, count(*) AS len, max(ended_at) AS last_end_at, arg_max(name, n) AS last_sprint,
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
JOIN (SELECT item_id, count(*) AS sprints FROM missed GROUP BY item_id) c USING (item_id)
