-- per person and calendar day (UTC), how many issues the person had in progress that day, with the team of that day
--
-- person: the person
-- team: their team that day (their current team when none is dated)
-- day: the UTC calendar day
-- items: issues they had in progress at some time that day
--
-- Each stretch of v_wip_spans is spread over the UTC days it touches, so an
-- issue held for an hour counts on its day. Before the as-of day the count
-- is v_wip_days_stable (the ended stretches) plus, per stretch going on at
-- the as-of time, the days it adds that the same person's ended runs of
-- the same issue (v_wip_ranges) do not already cover; from the as-of day
-- on, the stretches that reach it are spread into days directly.
--
-- @order 17
-- @table
-- @dialect duckdb
WITH cut AS (SELECT make_timestamp(epoch_us(env_now()))::DATE AS today),
open AS (
	-- the stretches going on at the as-of time, up to the day before it
	SELECT r.person, r.item_id, r.first_day AS d0, c.today - 1 AS d1
	FROM v_wip_ranges r, cut c WHERE r.last_day IS NULL AND r.first_day <= c.today - 1
),
ended AS (
	-- the ended runs of the same person and issue, before the as-of day
	-- (joined to the distinct pairs: as a semi join DuckDB hashed the
	-- ranges, not the few open pairs)
	SELECT r.person, r.item_id, r.first_day AS d0, least(r.last_day, c.today - 1) AS d1
	FROM v_wip_ranges r JOIN (SELECT person, item_id FROM open GROUP BY ALL) o USING (person, item_id), cut c
	WHERE r.last_day IS NOT NULL AND r.first_day <= c.today - 1
),
merged AS (
	-- both joined where they share or touch a day
	SELECT person, item_id, min(d0) AS d0, max(d1) AS d1 FROM (
		SELECT *, sum(CASE WHEN prev_end IS NULL OR d0 > prev_end + 1 THEN 1 ELSE 0 END)
			OVER (PARTITION BY person, item_id ORDER BY d0, d1 ROWS UNBOUNDED PRECEDING) AS island
		FROM (SELECT *, max(d1) OVER (PARTITION BY person, item_id ORDER BY d0, d1
			ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
			FROM (SELECT * FROM ended UNION ALL SELECT * FROM open)))
	GROUP BY person, item_id, island
),
steps AS (
	-- per person, how the added count changes: the merged runs count, the
	-- ended ones already do (+1 where a run starts, -1 after it ends)
	SELECT person, day, sum(dv) AS dv FROM (
		SELECT person, d0 AS day, 1 AS dv FROM merged
		UNION ALL SELECT person, d1 + 1, -1 FROM merged
		UNION ALL SELECT person, d0, -1 FROM ended
		UNION ALL SELECT person, d1 + 1, 1 FROM ended)
	GROUP BY ALL
),
added AS (
	SELECT person, unnest(generate_series(day, next_day - 1, INTERVAL 1 DAY))::DATE AS day, items
	FROM (SELECT person, day, sum(dv) OVER w AS items, lead(day) OVER w AS next_day
		FROM steps WINDOW w AS (PARTITION BY person ORDER BY day ROWS UNBOUNDED PRECEDING))
	WHERE items > 0
),
before AS (
	SELECT person, day, CAST(coalesce(s.items, 0) + coalesce(a.items, 0) AS BIGINT) AS items
	FROM (SELECT d.* FROM v_wip_days_stable d, cut c WHERE d.day < c.today) s
	FULL JOIN added a USING (person, day)
),
after AS (
	SELECT person, day, count(DISTINCT item_id) AS items FROM (
		SELECT s.person, s.item_id, unnest(generate_series(greatest(make_timestamp(epoch_us(s.start_at))::DATE, c.today),
			make_timestamp(epoch_us(coalesce(s.end_at, env_now())))::DATE, INTERVAL 1 DAY))::DATE AS day
		FROM v_wip_spans s, cut c
		-- the stretches reaching the as-of day: ended at or after its midnight (UTC), or still going on
		WHERE s.start_at <= env_now() AND (s.end_at IS NULL OR s.end_at >= to_timestamp(epoch_us(env_now()) // 86400000000 * 86400)))
	GROUP BY ALL
),
counted AS (SELECT * FROM before UNION ALL SELECT * FROM after),
undated AS (
	-- a person whose memberships are all undated is in the same team every day
	SELECT person_id AS person, min(team) AS team FROM team_members
	GROUP BY person_id HAVING count(since) = 0 AND count(until) = 0
),
teams AS (
	SELECT c.person, c.day, min(m.team) AS team FROM counted c JOIN team_members m ON m.person_id = c.person
		AND (m.since IS NULL OR make_timestamp(epoch_us(m.since))::DATE <= c.day)
		AND (m.until IS NULL OR make_timestamp(epoch_us(m.until))::DATE > c.day)
	WHERE c.person NOT IN (SELECT person FROM undated)
	GROUP BY ALL
)
SELECT c.person, coalesce(u.team, t.team, p.team) AS team, c.day, c.items
FROM counted c LEFT JOIN undated u USING (person) LEFT JOIN teams t USING (person, day)
LEFT JOIN v_people p ON p.person_id = c.person
