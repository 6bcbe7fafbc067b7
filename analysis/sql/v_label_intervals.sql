-- per item and label the time the label was on the item (added_by, removed_by as person ids)
--
-- item_id: the item
-- label: the label, lowercased
-- start_at: when it was put on (the item's creation when it was there from the start)
-- end_at: when it was removed (NULL while still on)
-- added_by: the person who put it on (NULL when unknown)
-- removed_by: the person who removed it (NULL while on or unknown)
--
-- @order 10
-- @table
-- @stable
-- @dialect duckdb
WITH ev AS (
	SELECT item_id, event_id, occurred_at, actor_id, kind, from_value, to_value FROM item_events
	WHERE kind IN ('labels', 'labeled', 'unlabeled')
),
jira AS (
	SELECT item_id, event_id, occurred_at, actor_id,
		list_filter(string_split(coalesce(from_value, ''), ' '), x -> x <> '') AS before,
		list_filter(string_split(coalesce(to_value, ''), ' '), x -> x <> '') AS after
	FROM ev WHERE kind = 'labels'
),
changes AS (
	SELECT * FROM (
		SELECT item_id, event_id, occurred_at, actor_id, lower(to_value) AS label, kind = 'labeled' AS label_on
		FROM ev WHERE kind IN ('labeled', 'unlabeled') AND coalesce(to_value, '') <> ''
		UNION ALL
		SELECT item_id, event_id, occurred_at, actor_id, lower(unnest(list_filter(after, x -> NOT list_contains(before, x)))), true FROM jira
		UNION ALL
		SELECT item_id, event_id, occurred_at, actor_id, lower(unnest(list_filter(before, x -> NOT list_contains(after, x)))), false FROM jira)
),
firsts AS (
	SELECT item_id, label, arg_min(label_on, (occurred_at, event_id)) AS first_on FROM changes GROUP BY ALL
),
seeded AS (
	SELECT item_id, event_id, occurred_at, actor_id, label, label_on FROM changes
	UNION ALL
	SELECT f.item_id, '', it.created_at, NULL, f.label, true
	FROM firsts f JOIN items it USING (item_id) WHERE NOT f.first_on AND it.created_at IS NOT NULL
	UNION ALL
	SELECT l.item_id, '', l.created_at, NULL, l.label, true
	FROM (SELECT item_id, created_at, lower(unnest(labels)) AS label FROM items) l
	ANTI JOIN firsts f ON f.item_id = l.item_id AND f.label = l.label
	WHERE l.created_at IS NOT NULL
),
flips AS (
	SELECT * FROM (
		SELECT s.*, lag(label_on, 1, false) OVER (PARTITION BY item_id, label ORDER BY occurred_at, event_id) AS was_on
		FROM seeded s)
	WHERE label_on <> was_on
),
spans AS (
	SELECT item_id, label, label_on, occurred_at AS start_at, actor_id,
		lead(occurred_at) OVER w AS end_at, lead(actor_id) OVER w AS end_actor
	FROM flips WINDOW w AS (PARTITION BY item_id, label ORDER BY occurred_at, event_id)
)
SELECT s.item_id, s.label, greatest(s.start_at, coalesce(it.created_at, s.start_at)) AS start_at,
	CASE WHEN s.end_at IS NOT NULL THEN greatest(s.end_at, coalesce(it.created_at, s.end_at)) END AS end_at, a.person_id AS added_by, r.person_id AS removed_by
FROM spans s
JOIN items it USING (item_id)
LEFT JOIN v_identity a ON a.identity_id = s.actor_id
LEFT JOIN v_identity r ON r.identity_id = s.end_actor
WHERE s.label_on
