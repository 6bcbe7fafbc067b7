package query

import (
	"fmt"
	"sort"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
)

// Layers are the three layers of systemic planning, in the order query
// --list shows them: content (plan against actual work), interaction (how
// teams and people work together), visibility (trends and what the
// analysis saw).
var Layers = []string{"content", "interaction", "visibility"}

// The team-level questions a leader asks: who carries work over, who
// waits on whom in both directions, and whether a metric gets better.
func init() {
	register(Question{
		Name:  "carryover-by-team",
		Layer: "content",
		Description: "per team: sprints ended in the period, work carried over (items, and share of the sprints' work: committed at start plus added) " +
			"and the trend (the later half of its sprints against the earlier half: better, worse or steady)",
		Params: []string{"team", "period", "limit"},
		SQL: `WITH s AS (
	SELECT team, ended_at, committed, added, carried_over,
		row_number() OVER (PARTITION BY team ORDER BY ended_at, sprint_id) AS n,
		count(*) OVER (PARTITION BY team) AS sprints
	FROM v_sprint_commitment
	WHERE ended AND team IS NOT NULL AND committed + added > 0
		AND ($team = '' OR team = $team)
		AND ($from IS NULL OR ended_at >= $from) AND ($to IS NULL OR ended_at < $to)
),
t AS (
	SELECT team, count(*) AS sprints, sum(committed) AS committed, sum(added) AS added,
		sum(carried_over) AS carried_over,
		sum(carried_over) / sum(committed + added) AS carried_share,
		sum(carried_over) FILTER (WHERE 2 * n <= sprints) / nullif(sum(committed + added) FILTER (WHERE 2 * n <= sprints), 0) AS earlier_share,
		sum(carried_over) FILTER (WHERE 2 * n > sprints) / nullif(sum(committed + added) FILTER (WHERE 2 * n > sprints), 0) AS later_share
	FROM s GROUP BY team
)
SELECT team, sprints, committed, added, carried_over, carried_share, earlier_share, later_share,
	CASE WHEN sprints < 2 THEN 'too few sprints'
		WHEN later_share < earlier_share - 0.02 THEN 'better'
		WHEN later_share > earlier_share + 0.02 THEN 'worse'
		ELSE 'steady' END AS trend
FROM t
ORDER BY carried_share DESC, carried_over DESC, team
LIMIT $limit`,
	})
	register(Question{
		Name:  "carryover-by-sprint",
		Layer: "content",
		Description: "per team and sprint ended in the period, oldest first: items committed, added and carried over, the carried share " +
			"and its change from the team's sprint before (better: less carried)",
		Params: []string{"team", "period", "limit"},
		SQL: `WITH s AS (
	SELECT team, sprint, ended_at, committed, added, carried_over,
		carried_over / (committed + added) AS carried_share
	FROM v_sprint_commitment
	WHERE ended AND team IS NOT NULL AND committed + added > 0
		AND ($team = '' OR team = $team)
		AND ($from IS NULL OR ended_at >= $from) AND ($to IS NULL OR ended_at < $to)
),
c AS (
	SELECT *, carried_share - lag(carried_share) OVER (PARTITION BY team ORDER BY ended_at, sprint) AS change FROM s
)
SELECT team, sprint, strftime(ended_at, '%Y-%m-%d') AS ended, committed, added, carried_over, carried_share, change,
	CASE WHEN change IS NULL THEN '' WHEN change < 0 THEN 'better' WHEN change > 0 THEN 'worse' ELSE 'same' END AS trend
FROM c
ORDER BY team, ended_at, sprint
LIMIT $limit`,
	})
	register(Question{
		Name:  "team-waits",
		Layer: "interaction",
		Description: "waits between teams in both directions, one row per direction and kind (blocking: an item blocked by " +
			"another team's item; review: a pull request waiting for another team's reviewer), with --team both what it waits on and what waits on it (working hours)",
		Params: []string{"team", "period", "limit"},
		SQL: `WITH waits AS (
	SELECT author_team AS waiting_team, reviewer_team AS waits_on_team, 'review' AS kind, work_hours, key AS what, open
	FROM v_review_waits
	WHERE ($from IS NULL OR requested_at >= $from) AND ($to IS NULL OR requested_at < $to)
	UNION ALL
	SELECT waiting_team, blocker_team, 'blocking', work_hours, waiting_key, end_at IS NULL
	FROM v_dependency_waits
	WHERE ($from IS NULL OR end_at IS NULL OR end_at >= $from) AND ($to IS NULL OR start_at < $to)
)
SELECT waiting_team || ' waits on ' || waits_on_team AS direction, kind,
	CASE WHEN $team = '' THEN '' WHEN waiting_team = $team THEN 'waiting' ELSE 'waited on' END AS side,
	waiting_team, waits_on_team, count(*) AS waits, count(DISTINCT what) AS items,
	median(work_hours) AS p50_work_hours, sum(work_hours) AS total_work_hours, count(*) FILTER (WHERE open) AS still_waiting
FROM waits
WHERE waiting_team IS NOT NULL AND waits_on_team IS NOT NULL AND waiting_team <> waits_on_team
	AND ($team = '' OR waiting_team = $team OR waits_on_team = $team)
GROUP BY ALL
ORDER BY total_work_hours DESC NULLS LAST, waits DESC, direction, kind
LIMIT $limit`,
	})
	register(Question{
		Name:  "trend",
		Layer: "visibility",
		Description: "a registry metric (--metric, e.g. review_pickup_p85; all without it) per team over the last twelve analysed calendar months " +
			"up to --period, each computed over its month alone, with the change from the month before marked better or worse by the metric's direction",
		Params: []string{"team", "period", "metric", "limit"},
		SQL: `WITH reg(metric, label, unit, higher_is_better) AS (VALUES ` + registryValues() + `),
months AS (
	SELECT run_id, left(run_id, 7) AS period FROM runs
	WHERE regexp_matches(run_id, '^\d{4}-\d{2}-01\.\.\d{4}-\d{2}-01$')
		AND date_diff('month', CAST(left(run_id, 10) AS DATE), CAST(right(run_id, 10) AS DATE)) = 1
		AND ($until IS NULL OR left(run_id, 7) <= $until)
	ORDER BY period DESC
	LIMIT 12
),
v AS (
	SELECT m.scope AS team, m.metric, mo.period, m.value, m.n,
		m.value - lag(m.value) OVER (PARTITION BY m.scope, m.metric ORDER BY mo.period) AS change
	FROM metrics m JOIN months mo USING (run_id)
	WHERE m.scope_kind = 'team' AND m.period = 'all'
		AND ($metric = '' OR m.metric = $metric)
		AND ($team = '' OR m.scope = $team)
)
SELECT v.team, v.metric, reg.label, reg.unit, v.period, v.value, v.n, v.change,
	CASE WHEN v.change IS NULL THEN '' WHEN v.change = 0 THEN 'same'
		WHEN (v.change > 0) = reg.higher_is_better THEN 'better' ELSE 'worse' END AS direction
FROM v JOIN reg USING (metric)
ORDER BY v.team, v.metric, v.period
LIMIT $limit`,
	})
}

// registryValues is the metric registry as SQL VALUES rows: name, label,
// unit, higher_is_better.
func registryValues() string {
	var rows []string
	for _, d := range analysis.MetricDefs() {
		rows = append(rows, fmt.Sprintf("('%s', '%s', '%s', %t)", sqlQuote(d.Name), sqlQuote(d.Label), sqlQuote(string(d.Unit)), d.HigherIsBetter))
	}
	return strings.Join(rows, ", ")
}

func sqlQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }

// ResolveMetric finds a registry metric by its name or by the name without
// its unit suffix (review_pickup_p85 for review_pickup_p85_hours).
func ResolveMetric(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if _, ok := analysis.MetricByName(name); ok {
		return name, nil
	}
	var all, match []string
	for _, d := range analysis.MetricDefs() {
		all = append(all, d.Name)
		if strings.HasPrefix(d.Name, name+"_") {
			match = append(match, d.Name)
		}
	}
	if len(match) == 1 {
		return match[0], nil
	}
	sort.Strings(all)
	if len(match) > 1 {
		return "", fmt.Errorf("metric %q is ambiguous: %s", name, strings.Join(match, ", "))
	}
	return "", fmt.Errorf("unknown metric %q (metrics: %s)", name, strings.Join(all, ", "))
}
