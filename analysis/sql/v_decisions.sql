-- time items spent waiting on a decision (decision states, decision labels), who decided and how long
--
-- item_id: the item
-- key: its key
-- team: its team
-- state: the decision state, or "label:<name>" for a label-only wait
-- entered_at: when the wait began
-- decided_at: when it was decided (NULL while open)
-- decider: the person who moved it out
-- hours: calendar hours waited, open ones up to env_now()
-- work_hours: the same in working hours
-- open: still waiting
-- container: its project or repository
-- url: its address
-- signals: every state and label the wait was seen by
--
-- Each stretch in a decision state is one decision; decision labels on the
-- item during it are the same wait and move its start back to when the first
-- of them was put on (never before the item's previous decision ended).
-- Labels that overlap no decision state are decisions of their own, until
-- removed or the item is done; labels on at the same time are one wait.
-- The two filters marked below are replaced by a plan's decision right.
--
-- @order 30
-- @dialect duckdb
WITH st AS (
	SELECT s.item_id, s.status AS state, s.start_at, s.end_at, s.left_by AS decider,
		lag(s.end_at) OVER (PARTITION BY s.item_id ORDER BY s.start_at) AS prev_end
	FROM v_status_intervals s WHERE /* decision states */ s.state_class = 'decision'
),
lb AS (
	SELECT l.item_id, 'label:' || l.label AS signal, l.start_at, least(l.end_at, d.done_at) AS end_at,
		CASE WHEN l.end_at IS NOT NULL AND (d.done_at IS NULL OR l.end_at <= d.done_at) THEN l.removed_by ELSE d.done_by END AS decider
	FROM (SELECT * FROM v_label_intervals WHERE /* decision labels */ decision_label(label)) l
	LEFT JOIN LATERAL (
		SELECT min(x.start_at) AS done_at, arg_min(x.entered_by, x.start_at) AS done_by FROM v_status_intervals x
		WHERE x.item_id = l.item_id AND x.state_class = 'done' AND x.start_at >= l.start_at) d ON true
	WHERE d.done_at IS NULL OR d.done_at > l.start_at
),
by_state AS (
	SELECT st.item_id, st.state,
		greatest(least(st.start_at, min(lb.start_at)), coalesce(st.prev_end, st.start_at - INTERVAL 100 YEAR)) AS entered_at,
		st.end_at AS decided_at, st.decider, list_sort(list_distinct(list_prepend(st.state, list(lb.signal)))) AS signals
	FROM st LEFT JOIN lb ON lb.item_id = st.item_id AND lb.start_at < coalesce(st.end_at, 'infinity'::TIMESTAMPTZ)
		AND st.start_at < coalesce(lb.end_at, 'infinity'::TIMESTAMPTZ)
	GROUP BY st.item_id, st.state, st.start_at, st.end_at, st.decider, st.prev_end
),
lone AS (
	SELECT lb.*, coalesce(lb.start_at > max(coalesce(lb.end_at, 'infinity'::TIMESTAMPTZ)) OVER (PARTITION BY lb.item_id
		ORDER BY lb.start_at, lb.end_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), true) AS fresh
	FROM lb ANTI JOIN st ON st.item_id = lb.item_id AND lb.start_at < coalesce(st.end_at, 'infinity'::TIMESTAMPTZ)
		AND st.start_at < coalesce(lb.end_at, 'infinity'::TIMESTAMPTZ)
),
by_label AS (
	SELECT item_id, arg_min(signal, (start_at, signal)) AS state, min(start_at) AS entered_at,
		CASE WHEN bool_and(end_at IS NOT NULL) THEN max(end_at) END AS decided_at,
		CASE WHEN bool_and(end_at IS NOT NULL) THEN arg_max(decider, (end_at, signal)) END AS decider,
		list_sort(list_distinct(list(signal))) AS signals
	FROM (SELECT *, sum(fresh::INTEGER) OVER (PARTITION BY item_id ORDER BY start_at, end_at ROWS UNBOUNDED PRECEDING) AS grp FROM lone)
	GROUP BY item_id, grp
),
picked AS (
	SELECT item_id, state, entered_at, decided_at, decider, signals FROM by_state
	UNION ALL
	SELECT item_id, state, entered_at, decided_at, decider, signals FROM by_label
)
SELECT p.item_id, it.key, it.team, p.state, p.entered_at, p.decided_at, p.decider,
	greatest(epoch(coalesce(p.decided_at, env_now())) - epoch(p.entered_at), 0) / 3600.0 AS hours,
	work_hours(p.entered_at, coalesce(p.decided_at, env_now())) AS work_hours,
	p.decided_at IS NULL AS open, it.container, it.url, p.signals
FROM picked p JOIN items it USING (item_id)
