-- per item, when its workflow first reached each stage (from v_status_intervals_stable)
--
-- item_id: the item
-- team: its team
-- first_at: when its first status interval starts (its creation, or its first change when the creation is unknown)
-- entered_at: when it first entered a state that is not new (NULL while it never did)
-- started_at: when it first entered a state in progress, neither new nor done (NULL while it never did)
-- done_at: when it first entered a done state (NULL while it never did)
--
-- One row per item with status intervals. Stalled work reads it for the
-- age and cycle times of the work in progress, dependency delay for the
-- waiting item's lead time: as of a time T, a stage reached after T counts
-- as not reached yet (each column is the earliest start, so the first
-- start up to T is the column when it is at or before T, and none
-- otherwise). Reopened work keeps its first dates.
--
-- @order 13
-- @table
-- @stable
-- @dialect duckdb
SELECT item_id, min(team) AS team, min(start_at) AS first_at,
	min(start_at) FILTER (WHERE state_class <> 'new') AS entered_at,
	min(start_at) FILTER (WHERE state_class NOT IN ('new', 'done')) AS started_at,
	min(start_at) FILTER (WHERE state_class = 'done') AS done_at
FROM v_status_intervals_stable
GROUP BY item_id
