package query

import (
	"strings"

	"github.com/systemic-dev/systemic/analysis"
)

// The named questions. Each reads the documented views (see Views), never
// the trackers; window filters are open when $from/$to are NULL.
func init() {
	register(Question{
		Name:        "review-load",
		Layer:       "interaction",
		Description: "per reviewer: review requests, pickup time in working hours (median, P85), open requests and share of all requests",
		Params:      []string{"team", "period", "limit"},
		Limit:       20,
		SQL: `WITH w AS (
	SELECT * FROM v_review_waits
	WHERE ($team = '' OR reviewer_team = $team)
		AND ($from IS NULL OR requested_at >= $from)
		AND ($to IS NULL OR requested_at < $to)
)
SELECT reviewer, mode(reviewer_team) AS team, count(*) AS requests,
	median(work_hours) FILTER (WHERE NOT open) AS pickup_p50_work_hours,
	quantile_cont(work_hours, 0.85) FILTER (WHERE NOT open) AS pickup_p85_work_hours,
	count(*) FILTER (WHERE open) AS open_requests,
	(epoch($now) - epoch(min(requested_at) FILTER (WHERE open))) / 86400.0 AS oldest_open_days,
	count(*) / sum(count(*)) OVER () AS share
FROM w
GROUP BY reviewer
ORDER BY requests DESC, reviewer
LIMIT $limit`,
	})
	register(Question{
		Name:        "who-waits-on-whom",
		Layer:       "interaction",
		Description: "team pairs: how often and how long one team waited on another, reviews and blocking items in separate columns (working hours)",
		Params:      []string{"team", "period", "limit"},
		SQL: `WITH waits AS (
	SELECT author_team AS waiting_team, reviewer_team AS waits_on_team, 'review' AS kind, work_hours, NULL AS waiting_key
	FROM v_review_waits
	WHERE ($from IS NULL OR requested_at >= $from) AND ($to IS NULL OR requested_at < $to)
	UNION ALL
	SELECT waiting_team, blocker_team, 'blocked', work_hours, waiting_key
	FROM v_dependency_waits
	WHERE ($from IS NULL OR end_at IS NULL OR end_at >= $from) AND ($to IS NULL OR start_at < $to)
)
SELECT coalesce(waiting_team, '(none)') AS waiting_team, coalesce(waits_on_team, '(none)') AS waits_on_team,
	count(*) FILTER (WHERE kind = 'review') AS review_waits,
	median(work_hours) FILTER (WHERE kind = 'review') AS review_p50_work_hours,
	count(DISTINCT waiting_key) FILTER (WHERE kind = 'blocked') AS blocked_items,
	count(*) FILTER (WHERE kind = 'blocked') AS blocked_waits,
	median(work_hours) FILTER (WHERE kind = 'blocked') AS blocked_p50_work_hours,
	sum(work_hours) FILTER (WHERE kind = 'blocked') AS blocked_total_work_hours,
	sum(work_hours) AS total_work_hours
FROM waits
WHERE $team = '' OR waiting_team = $team OR waits_on_team = $team
GROUP BY ALL
ORDER BY total_work_hours DESC NULLS LAST, waiting_team, waits_on_team
LIMIT $limit`,
	})
	register(Question{
		Name:        "carryover",
		Layer:       "content",
		Description: "items carried from sprint to sprint: how many sprints, how many in a row, current status and assignee",
		Params:      []string{"team", "period", "limit"},
		Limit:       50,
		SQL: `SELECT c.key, c.team, c.sprints, c.consecutive, i.status, i.assignee, i.title
FROM v_carryover c LEFT JOIN v_items i ON i.item_id = c.item_id
WHERE ($team = '' OR c.team = $team)
	AND (($from IS NULL AND $to IS NULL) OR EXISTS (
		SELECT 1 FROM sprint_items si JOIN sprints s ON s.sprint_id = si.sprint_id
		WHERE si.item_id = c.item_id
			AND ($to IS NULL OR s.start_at < $to)
			AND ($from IS NULL OR coalesce(s.complete_at, s.end_at) >= $from)))
ORDER BY c.sprints DESC, c.consecutive DESC, c.key
LIMIT $limit`,
	})
	register(Question{
		Name:        "blocked-by-team",
		Layer:       "interaction",
		Description: "per team: what blocked its work (another team, a blocked status, a flag), how often and for how many working hours",
		Params:      []string{"team", "period", "limit"},
		SQL: `SELECT team, coalesce(blocker_team, '(' || reason || ')') AS blocked_by,
	count(*) AS episodes, count(DISTINCT item_id) AS items,
	median(work_hours) AS p50_work_hours, quantile_cont(work_hours, 0.85) AS p85_work_hours,
	sum(work_hours) AS total_work_hours, count(*) FILTER (WHERE end_at IS NULL) AS still_blocked
FROM v_blocked
WHERE ($team = '' OR team = $team)
	AND ($to IS NULL OR start_at < $to)
	AND ($from IS NULL OR end_at IS NULL OR end_at >= $from)
GROUP BY ALL
ORDER BY total_work_hours DESC NULLS LAST, team, blocked_by
LIMIT $limit`,
	})
	register(Question{
		Name:        "decision-latency",
		Layer:       "interaction",
		Description: "per decider (bots left out): decisions taken in the period, one per wait, latency in working hours (median, P85), decisions open at its end",
		Params:      []string{"team", "period", "limit"},
		SQL: `WITH d AS (
	SELECT *, $to IS NOT NULL AND entered_at < $to AND (decided_at IS NULL OR decided_at >= $to)
		OR $to IS NULL AND decided_at IS NULL AS open_at_end
	FROM v_decisions d
	WHERE ($team = '' OR team = $team)
		AND NOT EXISTS (SELECT 1 FROM identities i LEFT JOIN people p ON p.person_id = i.person_id
			WHERE coalesce(i.person_id, i.identity_id) = d.decider AND (i.is_bot OR coalesce(p.is_bot, false)))
),
w AS (
	SELECT *, NOT open_at_end AND decided_at IS NOT NULL AND ($from IS NULL OR decided_at >= $from)
		AND ($to IS NULL OR decided_at < $to) AS decided
	FROM d
)
SELECT coalesce(decider, '(undecided)') AS decider, mode(team) AS team,
	string_agg(DISTINCT state, ', ' ORDER BY state) AS states,
	count(*) FILTER (WHERE decided) AS decisions,
	median(work_hours) FILTER (WHERE decided) AS p50_work_hours,
	quantile_cont(work_hours, 0.85) FILTER (WHERE decided) AS p85_work_hours,
	count(*) FILTER (WHERE open_at_end) AS open_decisions,
	(epoch(least($now, coalesce($to, $now))) - epoch(min(entered_at) FILTER (WHERE open_at_end))) / 86400.0 AS oldest_open_days
FROM w
WHERE decided OR open_at_end
GROUP BY ALL
ORDER BY p50_work_hours DESC NULLS LAST, decisions DESC, decider
LIMIT $limit`,
	})
	register(Question{
		Name:        "aging-wip",
		Layer:       "content",
		Description: "open work in progress, oldest first: days since work started, days in the current status, assignee (or pull request author)",
		Params:      []string{"team", "limit"},
		Limit:       25,
		SQL: `WITH started AS (
	SELECT item_id, min(start_at) AS started_at
	FROM v_status_intervals WHERE state_class NOT IN ('new', 'done')
	GROUP BY item_id
)
SELECT i.key, i.team, coalesce(i.assignee, author.person_id) AS person, s.status, s.state_class,
	(epoch($now) - epoch(coalesce(st.started_at, i.created_at))) / 86400.0 AS age_days,
	(epoch($now) - epoch(s.start_at)) / 86400.0 AS in_status_days,
	i.title
FROM v_items i
JOIN v_status_intervals s ON s.item_id = i.item_id AND s.end_at IS NULL
LEFT JOIN started st ON st.item_id = i.item_id
LEFT JOIN pull_requests pr ON pr.item_id = i.item_id
LEFT JOIN v_identity author ON author.identity_id = pr.author_id
WHERE i.status_category = 'indeterminate' AND i.resolved_at IS NULL
	AND ($team = '' OR i.team = $team)
ORDER BY age_days DESC, i.key
LIMIT $limit`,
	})
	register(Question{
		Name:  "findings",
		Layer: "visibility",
		Description: "findings of the run of exactly --period (none when that window was not analysed), " +
			"else of the widest window ending last; most severe first; --pattern picks one family",
		Params: []string{"team", "period", "pattern", "limit"},
		Limit:  50,
		SQL: `WITH run AS (
	SELECT run_id FROM runs
	WHERE ($from IS NULL AND $to IS NULL) OR (from_ts = $from AND to_ts = $to)
	ORDER BY to_ts DESC, to_ts - from_ts DESC, started_at DESC
	LIMIT 1
)
SELECT pattern, severity, team, subject_kind, subject, score, summary, run_id
FROM v_findings
WHERE run_id = (SELECT run_id FROM run)
	AND ($pattern = '' OR pattern = $pattern)
	AND ($team = '' OR team = $team)
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, score DESC, pattern, subject
LIMIT $limit`,
	})
	register(Question{
		Name:        "health-trend",
		Layer:       "visibility",
		Description: "the health metrics of the last six analysed calendar months (up to --period) per team, each computed over its month alone, with the change from the month before",
		Params:      []string{"team", "period", "limit"},
		SQL: `WITH months AS (
	SELECT run_id, left(run_id, 7) AS period FROM runs
	WHERE regexp_matches(run_id, '^\d{4}-\d{2}-01\.\.\d{4}-\d{2}-01$')
		AND date_diff('month', CAST(left(run_id, 10) AS DATE), CAST(right(run_id, 10) AS DATE)) = 1
		AND ($until IS NULL OR left(run_id, 7) <= $until)
	ORDER BY period DESC
	LIMIT 6
)
SELECT m.scope AS team, m.metric, mo.period, m.value, m.n,
	m.value - lag(m.value) OVER (PARTITION BY m.scope, m.metric ORDER BY mo.period) AS change
FROM metrics m JOIN months mo USING (run_id)
WHERE m.scope_kind = 'team' AND m.period = 'all' AND m.metric IN (` + healthMetricList() + `)
	AND ($team = '' OR m.scope = $team)
ORDER BY team, m.metric, mo.period
LIMIT $limit`,
	})
}

// healthMetricList is the registry's health metrics as a SQL list.
func healthMetricList() string {
	var names []string
	for _, d := range analysis.HealthDefs() {
		names = append(names, "'"+d.Name+"'")
	}
	return strings.Join(names, ", ")
}
