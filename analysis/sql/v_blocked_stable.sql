-- v_blocked as built once per data and config: its open intervals (end_at NULL) have no hours yet
--
-- item_id: the blocked item
-- key: its key
-- team: its team
-- start_at: when it became blocked (clamped to its creation)
-- end_at: when it stopped being blocked (NULL while it still is)
-- hours: calendar hours blocked (NULL while open)
-- work_hours: the same in working hours (NULL while open)
-- reason: status, flag or link
-- blocker_key: for a link, the blocking item's key
-- blocker_team: for a link, the blocking item's team
-- blocker_item: for a link, the blocking item
--
-- status: a blocked-class status; flag: Jira's Flagged set until cleared;
-- link: a 'blocks' link from its creation (when unknown: the later of the two
-- items' creations) until the blocker was done, the link was removed or the
-- blocked item was itself done, whichever came first.
--
-- @order 20
-- @table
-- @stable
-- @dialect duckdb
WITH flag_ev AS (
	SELECT e.item_id, e.event_id,
		greatest(e.occurred_at, coalesce(it.created_at, e.occurred_at)) AS ts,
		coalesce(trim(e.to_value), '') <> '' AS flag_on
	FROM item_events e JOIN items it USING (item_id)
	WHERE e.kind = 'flagged'
),
flag_changes AS (
	SELECT item_id, ts, flag_on FROM (
		SELECT *, lag(flag_on, 1, false) OVER (PARTITION BY item_id ORDER BY ts, event_id) AS was_on
		FROM flag_ev)
	WHERE flag_on <> was_on
),
flags AS (
	SELECT item_id, start_at, end_at FROM (
		SELECT item_id, flag_on, ts AS start_at, lead(ts) OVER (PARTITION BY item_id ORDER BY ts) AS end_at
		FROM flag_changes)
	WHERE flag_on
),
linked AS (
	SELECT from_item AS item_id FROM links WHERE type = 'blocks'
	UNION SELECT to_item FROM links WHERE type = 'blocks'
),
done_at AS (
	SELECT item_id, min(start_at) AS done_at FROM v_status_intervals
	WHERE state_class = 'done' AND item_id IN (SELECT item_id FROM linked) GROUP BY item_id
),
links_blocked AS (
	SELECT l.to_item AS item_id, l.from_item AS blocker_item,
		greatest(coalesce(l.created_at, greatest(w.created_at, b.created_at)), w.created_at) AS start_at,
		least(l.removed_at, coalesce(bd.done_at, b.resolved_at), coalesce(wd.done_at, w.resolved_at)) AS end_at
	FROM links l
	JOIN items w ON w.item_id = l.to_item
	LEFT JOIN items b ON b.item_id = l.from_item
	LEFT JOIN done_at bd ON bd.item_id = l.from_item
	LEFT JOIN done_at wd ON wd.item_id = l.to_item
	WHERE l.type = 'blocks' AND l.from_item <> l.to_item
),
spans AS (
	SELECT item_id, start_at, end_at, 'status' AS reason, CAST(NULL AS TEXT) AS blocker_item
	FROM v_status_intervals WHERE state_class = 'blocked'
	UNION ALL
	SELECT item_id, start_at, end_at, 'flag', NULL FROM flags
	UNION ALL
	SELECT item_id, start_at, end_at, 'link', blocker_item FROM links_blocked
	WHERE start_at IS NOT NULL AND (end_at IS NULL OR end_at > start_at)
)
SELECT s.item_id, it.key, it.team, s.start_at, s.end_at,
	greatest(epoch(s.end_at) - epoch(s.start_at), 0) / 3600.0 AS hours,
	work_hours(s.start_at, s.end_at) AS work_hours,
	s.reason, b.key AS blocker_key, b.team AS blocker_team, s.blocker_item
FROM spans s
JOIN items it USING (item_id)
LEFT JOIN items b ON b.item_id = s.blocker_item
