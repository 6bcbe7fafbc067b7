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
WITH firsts AS (
	-- each interval with the seq its status (compared without case) was
	-- first reached at
	SELECT item_id, seq, start_at, state_class, min(seq) OVER (PARTITION BY item_id, lower(status)) AS first_seq
	FROM v_status_intervals_stable
),
moves AS (
	-- each interval with the one before it (seq - 1: seq counts without
	-- gaps), taken in one pass over the item's intervals in order
	SELECT item_id, start_at,
		first_seq < seq AND first_seq < prev_first AS returned,
		state_class <> 'done' AND prev_class = 'done' AS reopened
	FROM (SELECT *, lag(seq) OVER w AS prev_seq, lag(first_seq) OVER w AS prev_first, lag(state_class) OVER w AS prev_class
		FROM firsts WINDOW w AS (PARTITION BY item_id ORDER BY seq))
	WHERE prev_seq = seq - 1
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
