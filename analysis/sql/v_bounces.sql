-- per item, each time its work bounced: a handoff, a move back to an earlier status, a reopen or a changes-requested review
--
-- item_id: the item
-- bounced_at: when it bounced
-- kind: handoff, return, reopen or round
--
-- A handoff is a Jira assignee change away from someone (a first
-- assignment is none) or a GitHub assignment after the item's first. A
-- return enters a status (v_status_intervals, compared without case) the
-- item had been in before, coming from one it first reached later:
-- In Progress -> In Review -> In Progress is one, going to review again
-- after it is not another. A reopen leaves a done state for one that is
-- not done (often also a return: it is listed as both). A round is a
-- changes-requested review. handoff_churn counts them per item and week.
--
-- @order 12
-- @table
-- @stable
-- @dialect duckdb
WITH iv AS (
	SELECT item_id, seq, start_at, lower(status) AS ls, state_class FROM v_status_intervals_stable
),
firsts AS MATERIALIZED (
	-- each interval with the seq its status was first reached at
	SELECT v.item_id, v.seq, v.start_at, v.state_class, f.first_seq
	FROM iv v JOIN (SELECT item_id, ls, min(seq) AS first_seq FROM iv GROUP BY ALL) f
		ON f.item_id = v.item_id AND f.ls IS NOT DISTINCT FROM v.ls
),
moves AS (
	-- the interval before has seq - 1: seq counts without gaps
	SELECT i.item_id, i.start_at,
		i.first_seq < i.seq AND i.first_seq < b.first_seq AS returned,
		i.state_class <> 'done' AND b.state_class = 'done' AS reopened
	FROM firsts i JOIN firsts b ON b.item_id = i.item_id AND b.seq = i.seq - 1
),
assigned AS (
	SELECT item_id, occurred_at, row_number() OVER (PARTITION BY item_id ORDER BY occurred_at, event_id) AS rn
	FROM item_events WHERE kind = 'assigned'
)
SELECT item_id, occurred_at AS bounced_at, 'handoff' AS kind FROM item_events
WHERE kind = 'assignee' AND coalesce(from_value, '') <> ''
UNION ALL
SELECT item_id, occurred_at, 'handoff' FROM assigned WHERE rn > 1
UNION ALL
SELECT item_id, start_at, 'return' FROM moves WHERE returned
UNION ALL
SELECT item_id, start_at, 'reopen' FROM moves WHERE reopened
UNION ALL
SELECT item_id, submitted_at, 'round' FROM reviews WHERE upper(state) = 'CHANGES_REQUESTED' AND submitted_at IS NOT NULL
