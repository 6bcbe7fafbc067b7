-- per person and tracker issue, each stretch the person held the issue in progress (end_at NULL while it still is)
--
-- person: the person assigned
-- item_id: the issue
-- key: its key
-- team: its team
-- start_at: when the stretch began (in progress and assigned to the person)
-- end_at: when it ended (NULL while it goes on)
--
-- A tracker issue (pull requests and GitHub issues are left out) is in
-- progress while its state class is neither new nor done; it counts for
-- whoever was assigned at the time, following the assignee history. Bots are
-- left out.
--
-- @order 15
-- @table
-- @stable
-- @dialect duckdb
WITH ae AS (
	SELECT e.item_id, e.occurred_at,
		CASE WHEN e.from_id LIKE it.source || '/%' THEN e.from_id ELSE it.source || '/' || e.from_id END AS from_id,
		CASE WHEN e.to_id LIKE it.source || '/%' THEN e.to_id ELSE it.source || '/' || e.to_id END AS to_id,
		-- partitioned on the item's integer row id: cheaper than its text id
		row_number() OVER (PARTITION BY it.rowid ORDER BY e.occurred_at, e.event_id) AS rn,
		lead(e.occurred_at) OVER (PARTITION BY it.rowid ORDER BY e.occurred_at, e.event_id) AS next_at
	FROM item_events e JOIN items it USING (item_id)
	WHERE e.kind = 'assignee' AND it.kind <> 'pull_request' AND it.key NOT LIKE '%#%'
),
asg AS (
	SELECT it.item_id, CASE WHEN f.item_id IS NULL THEN it.assignee_id ELSE f.from_id END AS identity,
		NULL::TIMESTAMPTZ AS start_at, f.occurred_at AS end_at
	FROM items it LEFT JOIN ae f ON f.item_id = it.item_id AND f.rn = 1
	WHERE it.kind <> 'pull_request' AND it.key NOT LIKE '%#%'
	UNION ALL
	SELECT item_id, to_id, occurred_at, next_at FROM ae
),
held AS (
	SELECT s.item_id, s.key, s.team, p.person_id AS person,
		CASE WHEN a.start_at IS NULL THEN s.start_at ELSE greatest(s.start_at, a.start_at) END AS start_at,
		CASE WHEN s.end_at IS NULL THEN a.end_at WHEN a.end_at IS NULL THEN s.end_at ELSE least(s.end_at, a.end_at) END AS end_at
	FROM v_status_intervals s
	JOIN asg a ON a.item_id = s.item_id
		AND (a.start_at IS NULL OR s.end_at IS NULL OR a.start_at < s.end_at)
		AND (a.end_at IS NULL OR a.end_at > s.start_at)
	JOIN v_identity p ON p.identity_id = a.identity
	WHERE s.state_class NOT IN ('new', 'done') AND NOT p.is_bot AND s.key NOT LIKE '%#%'
)
SELECT person, item_id, key, team, start_at, end_at FROM held
WHERE end_at IS NULL OR end_at > start_at
