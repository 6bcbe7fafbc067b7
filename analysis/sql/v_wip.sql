-- per person and calendar day (UTC), how many issues the person had in progress that day, with the team of that day
--
-- person: the person
-- team: their team that day (their current team when none is dated)
-- day: the UTC calendar day
-- items: issues they had in progress at some time that day
--
-- Each stretch of v_wip_spans is spread over the UTC days it touches, so an
-- issue held for an hour counts on its day. Before the as-of day the
-- counts come from the ended stretches' runs (v_wip_ranges) and the
-- stretches still going on, merged per person and issue and summed by a
-- sweep over the days where the count changes; from the as-of day on,
-- the stretches that reach it are spread into days directly.
--
-- @order 17
-- @table
-- @dialect duckdb
WITH cut AS (SELECT make_timestamp(epoch_us(env_now()))::DATE AS today),
open AS (
	-- the stretches going on at the as-of time, up to the day before it
	SELECT s.person, s.item_id, make_timestamp(epoch_us(s.start_at))::DATE AS d0, c.today - 1 AS d1
	FROM v_wip_spans s, cut c WHERE s.end_at IS NULL AND s.start_at <= env_now()
),
pairs AS (SELECT DISTINCT person, item_id FROM open),
mixed AS (
	SELECT DISTINCT * FROM (
		SELECT r.person, r.item_id, r.first_day AS d0, least(r.last_day, c.today - 1) AS d1
		FROM v_wip_ranges r SEMI JOIN pairs p USING (person, item_id), cut c
		UNION ALL
		SELECT person, item_id, d0, d1 FROM open)
),
merged AS (
	-- a person's issue with a stretch going on: its runs joined with it
	SELECT person, min(d0) AS d0, max(d1) AS d1 FROM (
		SELECT *, sum(CASE WHEN prev_end IS NULL OR d0 > prev_end + 1 THEN 1 ELSE 0 END)
			OVER (PARTITION BY person, item_id ORDER BY d0, d1 ROWS UNBOUNDED PRECEDING) AS island
		FROM (SELECT *, max(d1) OVER (PARTITION BY person, item_id ORDER BY d0, d1
			ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end FROM mixed))
	GROUP BY person, item_id, island
),
ranges AS (
	SELECT r.person, r.first_day AS d0, least(r.last_day, c.today - 1) AS d1
	FROM v_wip_ranges r ANTI JOIN pairs p USING (person, item_id), cut c
	UNION ALL
	SELECT person, d0, d1 FROM merged
),
steps AS (
	-- per person, how the count changes: +1 where a run starts, -1 after it ends
	SELECT person, day, sum(dv) AS dv FROM (
		SELECT person, d0 AS day, 1 AS dv FROM ranges WHERE d0 <= d1
		UNION ALL
		SELECT person, d1 + 1, -1 FROM ranges WHERE d0 <= d1)
	GROUP BY ALL
),
before AS (
	SELECT person, unnest(generate_series(day, next_day - 1, INTERVAL 1 DAY))::DATE AS day, items
	FROM (SELECT person, day, sum(dv) OVER w AS items, lead(day) OVER w AS next_day
		FROM steps WINDOW w AS (PARTITION BY person ORDER BY day ROWS UNBOUNDED PRECEDING))
	WHERE items > 0
),
after AS (
	SELECT person, day, count(DISTINCT item_id) AS items FROM (
		SELECT s.person, s.item_id, unnest(generate_series(greatest(make_timestamp(epoch_us(s.start_at))::DATE, c.today),
			make_timestamp(epoch_us(coalesce(s.end_at, env_now())))::DATE, INTERVAL 1 DAY))::DATE AS day
		FROM v_wip_spans s, cut c
		WHERE s.start_at <= env_now() AND make_timestamp(epoch_us(coalesce(s.end_at, env_now())))::DATE >= c.today)
	GROUP BY ALL
),
counted AS (SELECT * FROM before UNION ALL SELECT * FROM after),
teams AS (
	SELECT c.person, c.day, min(m.team) AS team FROM counted c JOIN team_members m ON m.person_id = c.person
		AND (m.since IS NULL OR make_timestamp(epoch_us(m.since))::DATE <= c.day)
		AND (m.until IS NULL OR make_timestamp(epoch_us(m.until))::DATE > c.day)
	GROUP BY ALL
)
SELECT c.person, coalesce(t.team, p.team) AS team, c.day, c.items
FROM counted c LEFT JOIN teams t USING (person, day) LEFT JOIN v_people p ON p.person_id = c.person
