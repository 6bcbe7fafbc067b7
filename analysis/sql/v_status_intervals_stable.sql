-- v_status_intervals as built once per data and config: its open intervals (end_at NULL) have no hours yet
--
-- item_id: the item
-- key: its key
-- team: its team
-- status: the status it was in
-- state_class: new, active, waiting, blocked, decision, review or done (config states, else the category)
-- start_at: when it entered the status (clamped to the item's creation)
-- end_at: when it left it (NULL while current)
-- hours: calendar hours in the status (NULL while current)
-- work_hours: the same in working hours of the config calendar (NULL while current)
-- seq: 1 for the state it was created in, then one more per change
-- category: the tracker's status category
-- entered_by: the person who moved it in (NULL for the creation state)
-- left_by: the person who moved it out (NULL while current)
--
-- The first interval holds the state the item was created in (the from-value
-- of its first status change, or its current status when it never changed)
-- from its creation; each status change opens the next. GitHub items have no
-- workflow: their closed, merged and reopened events act as changes between
-- "open" (indeterminate) and "closed"/"merged" (done). Clock skew is clamped:
-- a change dated before the item's creation starts at the creation.
--
-- @order 10
-- @table
-- @stable
-- @dialect duckdb
WITH ch AS (
	SELECT e.item_id, e.occurred_at, e.event_id, p.person_id AS actor, e.from_value, e.from_id,
		CASE e.kind WHEN 'status' THEN e.to_value WHEN 'reopened' THEN 'open' ELSE e.kind END AS status,
		CASE e.kind WHEN 'status' THEN e.to_id END AS status_id,
		CASE e.kind WHEN 'status' THEN NULL WHEN 'reopened' THEN 'indeterminate' ELSE 'done' END AS category
	FROM item_events e LEFT JOIN v_identity p ON p.identity_id = e.actor_id
	WHERE e.kind IN ('status', 'closed', 'merged', 'reopened')
),
w AS (
	SELECT c.*, it.created_at,
		row_number() OVER w AS rn, lead(c.occurred_at) OVER w AS next_at, lead(c.actor) OVER w AS next_actor
	FROM ch c JOIN items it USING (item_id)
	-- the row number partitions on an integer: half the cost of the text id
	WINDOW w AS (PARTITION BY it.rowid ORDER BY c.occurred_at, c.event_id)
),
iv AS (
	SELECT it.item_id, 1 AS seq,
		CASE WHEN f.item_id IS NULL THEN it.status WHEN f.category IS NOT NULL THEN 'open'
			ELSE coalesce(f.from_value, it.status) END AS status,
		f.from_id AS status_id,
		CASE WHEN f.item_id IS NULL THEN it.status_category WHEN f.category IS NOT NULL THEN 'indeterminate' END AS category,
		coalesce(it.created_at, f.occurred_at) AS start_at,
		CASE WHEN f.item_id IS NOT NULL THEN greatest(f.occurred_at, coalesce(it.created_at, f.occurred_at)) END AS end_at,
		CAST(NULL AS TEXT) AS entered_by, f.actor AS left_by
	FROM items it LEFT JOIN (SELECT * FROM w WHERE rn = 1) f USING (item_id)
	UNION ALL
	SELECT item_id, rn + 1, status, status_id, category,
		greatest(occurred_at, coalesce(created_at, occurred_at)),
		CASE WHEN next_at IS NOT NULL THEN greatest(next_at, coalesce(created_at, next_at)) END,
		actor, next_actor
	FROM w
),
named AS (
	SELECT iv.*, it.key, it.team, it.source,
		CASE WHEN iv.status = it.status THEN it.status_category END AS current_category
	FROM iv JOIN items it USING (item_id)
	WHERE iv.start_at IS NOT NULL
),
look AS (
	-- category and state class once per distinct status, never per row
	SELECT l.*, state_class(l.status, l.cat) AS state_class FROM (
		SELECT l.*, coalesce(l.category, st.status_category, sn.status_category, l.current_category) AS cat
		FROM (SELECT DISTINCT source, coalesce(status_id, '') AS sid, status, category, current_category FROM named) l
		LEFT JOIN statuses st ON st.source = l.source AND st.status_id = l.sid
		LEFT JOIN (SELECT source, lower(name) AS lname, min(status_category) AS status_category
			FROM statuses GROUP BY ALL) sn ON sn.source = l.source AND sn.lname = lower(l.status)) l
)
SELECT n.item_id, n.key, n.team, n.status, k.state_class, n.start_at, n.end_at,
	greatest(epoch(n.end_at) - epoch(n.start_at), 0) / 3600.0 AS hours,
	work_hours(n.start_at, n.end_at) AS work_hours,
	n.seq, k.cat AS category, n.entered_by, n.left_by
FROM named n
LEFT JOIN look k ON k.source = n.source AND k.sid = coalesce(n.status_id, '')
	AND k.status IS NOT DISTINCT FROM n.status AND k.category IS NOT DISTINCT FROM n.category
	AND k.current_category IS NOT DISTINCT FROM n.current_category
