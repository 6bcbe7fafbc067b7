-- per person and calendar day (UTC), how many issues the person had in progress that day, with the team of that day
--
-- person: the person
-- team: their team that day (their current team when none is dated)
-- day: the UTC calendar day
-- items: issues they had in progress at some time that day
--
-- Each span is spread over the UTC days it touches, so an issue held for an
-- hour counts on its day.
--
-- @order 16
-- @table
-- @dialect duckdb
WITH days AS (
	SELECT person, item_id, unnest(generate_series(make_timestamp(epoch_us(start_at))::DATE,
		make_timestamp(epoch_us(coalesce(end_at, env_now())))::DATE, INTERVAL 1 DAY))::DATE AS day
	FROM v_wip_spans WHERE start_at <= env_now()
),
counted AS (SELECT person, day, count(DISTINCT item_id) AS items FROM days GROUP BY ALL),
teams AS (
	SELECT c.person, c.day, min(m.team) AS team FROM counted c JOIN team_members m ON m.person_id = c.person
		AND (m.since IS NULL OR make_timestamp(epoch_us(m.since))::DATE <= c.day)
		AND (m.until IS NULL OR make_timestamp(epoch_us(m.until))::DATE > c.day)
	GROUP BY ALL
)
SELECT c.person, coalesce(t.team, p.team) AS team, c.day, c.items
FROM counted c LEFT JOIN teams t USING (person, day) LEFT JOIN v_people p ON p.person_id = c.person
