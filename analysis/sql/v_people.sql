-- one row per person: display name, current team (NULL when in none), bot flag
--
-- person_id: the person
-- display_name: a display name of theirs
-- team: their current team (alphabetically first when several; NULL when in none)
-- is_bot: true when any of their accounts is a bot
--
-- @order -10
-- @dialect portable
WITH persons AS (
	SELECT person_id, any_value(display_name) AS display_name, bool_or(is_bot) AS is_bot
	FROM (SELECT person_id, display_name, is_bot FROM people
	      UNION ALL SELECT person_id, display_name, is_bot FROM v_identity)
	GROUP BY person_id)
SELECT p.person_id, p.display_name,
	(SELECT min(m.team) FROM team_members m WHERE m.person_id = p.person_id AND m.until IS NULL) AS team,
	p.is_bot
FROM persons p
