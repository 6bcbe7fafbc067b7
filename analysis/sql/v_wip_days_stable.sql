-- per person and UTC day, how many issues the person held in progress that day in stretches that have ended
--
-- person: the person
-- day: the UTC calendar day
-- items: issues held in progress at some time that day, in stretches of v_wip_spans that have ended
--
-- The part of v_wip that no window's as-of time changes: v_wip adds the
-- stretches going on at the as-of time (v_wip_ranges) and the team.
--
-- @order 16
-- @table
-- @stable
-- @dialect duckdb
SELECT person, day, count(*) AS items FROM (
	SELECT DISTINCT person, item_id, unnest(generate_series(make_timestamp(epoch_us(start_at))::DATE,
		make_timestamp(epoch_us(end_at))::DATE, INTERVAL 1 DAY))::DATE AS day
	FROM v_wip_spans WHERE end_at IS NOT NULL)
GROUP BY ALL
