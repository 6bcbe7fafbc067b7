package analysis

import (
	"fmt"
	"time"
)

// v_status_intervals: per item, the stretches of time between its status
// changes. The first interval holds the state the item was created in (the
// from-value of its first status change, or its current status when it
// never changed) from its creation; each status change opens the next.
// GitHub items have no workflow: their closed, merged and reopened events
// act as changes between "open" (indeterminate) and "closed"/"merged"
// (done). The current interval has end_at NULL and is measured up to
// env_now(). Clock skew is clamped: a change dated before the item's
// creation starts at the creation, so no interval is negative.
//
// Beyond the contract's columns it carries seq (1 = the creation state),
// category (the tracker's status category), entered_by and left_by (the
// person who moved the item into and out of the state; NULL for the
// creation state and for open intervals).
func init() {
	RegisterPrelude(1, nowMacro)
	RegisterDerived(Derived{
		Name:  "v_status_intervals",
		Doc:   "per item the time spent in each status between changes, with its state class; end_at NULL while current",
		Order: 10,
		Table: true,
		SQL:   statusIntervalsSQL,
	})
}

// nowMacro defines env_now(): the instant open intervals are measured to,
// env.Now (else the window end, else the wall clock for ad hoc queries).
func nowMacro(env *Env) []string {
	now := env.Now
	if now.IsZero() {
		now = env.To
	}
	if now.IsZero() {
		now = time.Now()
	}
	return []string{fmt.Sprintf("CREATE OR REPLACE MACRO env_now() AS TIMESTAMPTZ '%s'", sqlTime(now))}
}

// sqlTime formats t as a TIMESTAMPTZ literal body in UTC.
func sqlTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
}

const statusIntervalsSQL = `WITH changes AS (
	SELECT e.item_id, e.occurred_at, e.event_id, e.actor_id, e.from_value, e.from_id,
		CASE e.kind WHEN 'status' THEN e.to_value WHEN 'reopened' THEN 'open' ELSE e.kind END AS status,
		CASE e.kind WHEN 'status' THEN e.to_id END AS status_id,
		CASE e.kind WHEN 'status' THEN NULL WHEN 'reopened' THEN 'indeterminate' ELSE 'done' END AS category
	FROM item_events e
	WHERE e.kind IN ('status', 'closed', 'merged', 'reopened')
),
firsts AS (
	SELECT item_id, min(occurred_at) AS first_at,
		arg_min(from_value, (occurred_at, event_id)) AS from_value,
		arg_min(from_id, (occurred_at, event_id)) AS from_id,
		arg_min(category, (occurred_at, event_id)) AS first_cat
	FROM changes GROUP BY item_id
),
seqd AS (
	SELECT it.item_id, 0 AS ord, CAST(NULL AS TIMESTAMPTZ) AS occurred_at, '' AS event_id, NULL AS actor_id,
		CASE WHEN f.item_id IS NULL THEN it.status
			WHEN f.first_cat IS NOT NULL THEN 'open'
			ELSE coalesce(f.from_value, it.status) END AS status,
		f.from_id AS status_id,
		CASE WHEN f.item_id IS NULL THEN it.status_category
			WHEN f.first_cat IS NOT NULL THEN 'indeterminate' END AS category
	FROM items it LEFT JOIN firsts f USING (item_id)
	UNION ALL
	SELECT item_id, 1, occurred_at, event_id, actor_id, status, status_id, category FROM changes
),
timed AS (
	SELECT s.item_id, s.status, s.actor_id,
		row_number() OVER w AS seq,
		CASE WHEN s.ord = 0 THEN coalesce(it.created_at, f.first_at)
			ELSE greatest(s.occurred_at, coalesce(it.created_at, s.occurred_at)) END AS start_at,
		coalesce(s.category, st.status_category, sn.status_category,
			CASE WHEN s.status = it.status THEN it.status_category END) AS category,
		it.key, it.team
	FROM seqd s
	JOIN items it USING (item_id)
	LEFT JOIN firsts f USING (item_id)
	LEFT JOIN statuses st ON st.source = it.source AND st.status_id = s.status_id
	LEFT JOIN (SELECT source, lower(name) AS lname, min(status_category) AS status_category
		FROM statuses GROUP BY ALL) sn ON sn.source = it.source AND sn.lname = lower(s.status)
	WINDOW w AS (PARTITION BY s.item_id ORDER BY s.ord, s.occurred_at, s.event_id)
),
bounded AS (
	SELECT t.*, lead(t.start_at) OVER w AS end_at, p.person_id AS entered_by,
		lead(p.person_id) OVER w AS left_by
	FROM timed t LEFT JOIN v_identity p ON p.identity_id = t.actor_id
	WHERE t.start_at IS NOT NULL
	WINDOW w AS (PARTITION BY t.item_id ORDER BY t.seq)
)
SELECT item_id, key, team, status, state_class(status, category) AS state_class, start_at, end_at,
	greatest(epoch(coalesce(end_at, env_now())) - epoch(start_at), 0) / 3600.0 AS hours,
	work_hours(start_at, coalesce(end_at, env_now())) AS work_hours,
	seq, category, entered_by, CASE WHEN end_at IS NOT NULL THEN left_by END AS left_by
FROM bounded`
