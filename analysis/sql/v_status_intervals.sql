-- per item the time spent in each status between changes, with its state class; end_at NULL while current
--
-- item_id: the item
-- key: its key
-- team: its team
-- status: the status it was in
-- state_class: new, active, waiting, blocked, decision, review or done (config states, else the category)
-- start_at: when it entered the status (clamped to the item's creation)
-- end_at: when it left it (NULL while current)
-- hours: calendar hours in the status, open ones up to env_now()
-- work_hours: the same in working hours of the config calendar
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
-- The intervals come from v_status_intervals_stable, rebuilt only when the
-- data or the config change; the hours of the open ones are measured here.
--
-- @order 11
-- @dialect duckdb
SELECT item_id, key, team, status, state_class, start_at, end_at,
	CASE WHEN end_at IS NULL THEN greatest(epoch(env_now()) - epoch(start_at), 0) / 3600.0 ELSE hours END AS hours,
	CASE WHEN end_at IS NULL THEN work_hours(start_at, env_now()) ELSE work_hours END AS work_hours,
	seq, category, entered_by, left_by
FROM v_status_intervals_stable
