-- per person and tracker issue, each run of consecutive UTC days on which the person held the issue in progress, and each stretch still going on
--
-- person: the person assigned
-- item_id: the issue
-- first_day: the first UTC day of the run
-- last_day: its last UTC day (NULL: a stretch still going on)
--
-- The ended stretches of v_wip_spans, spread over the UTC days they touch
-- and joined where they share or touch a day, so a day of a run counts the
-- issue once however many stretches it held; a stretch going on is listed
-- from its first day, apart. v_wip adds these to v_wip_days_stable at
-- each window's as-of time, without spreading a year of stretches into
-- days again for every window.
--
-- @order 16
-- @table
-- @stable
-- @dialect duckdb
WITH days AS (
	SELECT DISTINCT person, item_id, unnest(generate_series(make_timestamp(epoch_us(start_at))::DATE,
		make_timestamp(epoch_us(end_at))::DATE, INTERVAL 1 DAY))::DATE AS day
	FROM v_wip_spans WHERE end_at IS NOT NULL
)
-- consecutive days share day - row number
SELECT person, item_id, min(day) AS first_day, max(day) AS last_day FROM (
	SELECT *, day - row_number() OVER (PARTITION BY person, item_id ORDER BY day)::INTEGER AS island FROM days)
GROUP BY person, item_id, island
UNION ALL
SELECT person, item_id, make_timestamp(epoch_us(start_at))::DATE, NULL FROM v_wip_spans WHERE end_at IS NULL
