-- cross-team waits: an item of one team blocked by a 'blocks' link from an item of another
--
-- waiting_key: the waiting item's key
-- waiting_team: its team
-- blocker_key: the blocking item's key
-- blocker_team: its team
-- start_at: when the wait began
-- end_at: when it ended (NULL while open)
-- hours: calendar hours waited
-- work_hours: working hours waited
-- waiting_item: the waiting item
-- blocker_item: the blocking item
--
-- @order 30
-- @dialect duckdb
SELECT b.key AS waiting_key, b.team AS waiting_team, b.blocker_key, b.blocker_team,
	b.start_at, b.end_at, b.hours, b.work_hours, b.item_id AS waiting_item, b.blocker_item
FROM v_blocked b
WHERE b.reason = 'link' AND b.team IS NOT NULL AND b.blocker_team IS NOT NULL AND b.team <> b.blocker_team
