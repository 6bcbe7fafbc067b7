-- blocked intervals per item: blocked statuses, Flagged on/off, and 'blocks' links until the blocker is done
--
-- item_id: the blocked item
-- key: its key
-- team: its team
-- start_at: when it became blocked (clamped to its creation)
-- end_at: when it stopped being blocked (NULL while it still is)
-- hours: calendar hours blocked, open ones up to env_now()
-- work_hours: the same in working hours
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
-- The rows come from v_blocked_stable, rebuilt only when the data or the
-- config change; the hours of the open ones are measured here.
--
-- @order 21
-- @dialect duckdb
SELECT item_id, key, team, start_at, end_at,
	CASE WHEN end_at IS NULL THEN greatest(epoch(env_now()) - epoch(start_at), 0) / 3600.0 ELSE hours END AS hours,
	CASE WHEN end_at IS NULL THEN work_hours(start_at, env_now()) ELSE work_hours END AS work_hours,
	reason, blocker_key, blocker_team, blocker_item
FROM v_blocked_stable
