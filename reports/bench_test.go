package reports_test

import (
	"context"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

// bigStore fills a store directly with n items over a year and six teams,
// and analysis views sized like a large organisation's.
func bigStore(b *testing.B, n int) *store.Store {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	teams := `['growth', 'platform', 'mobile', 'web', 'data', 'payments']`
	projects := `['GROW', 'PLAT', 'MOB', 'WEB', 'DATA', 'PAY']`
	sqlExec(b, st, `INSERT INTO sources (name, kind, url, last_sync_at, last_status) VALUES ('acme-jira', 'jira', 'https://acme.atlassian.net', TIMESTAMPTZ '2026-11-01 00:00:00+00', 'ok')`)
	sqlExec(b, st, `INSERT INTO people SELECT 'person-' || range, 'Person ' || range, NULL, false FROM range(120)`)
	sqlExec(b, st, `INSERT INTO items (item_id, source, kind, key, container, title, status, status_category, team, epic_key,
	story_points, labels, created_at, resolved_at, url)
SELECT 'acme-jira:' || i, 'acme-jira', 'issue', p || '-' || i, p, 'Item ' || i, cat, cat, t, p || '-E' || (i % 40),
	(i % 8)::DOUBLE, ['label-' || (i % 50)], created, CASE WHEN cat = 'done' THEN created + INTERVAL 9 DAY END,
	'https://acme.atlassian.net/browse/' || p || '-' || i
FROM (SELECT range AS i, (`+projects+`)[1 + range % 6] AS p, (`+teams+`)[1 + range % 6] AS t,
	CASE WHEN range % 5 = 0 THEN 'indeterminate' ELSE 'done' END AS cat,
	TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(CAST(range * 525600 / ? AS BIGINT)) AS created FROM range(?))`, n, n)
	// 5000 approvals as status changes; analysis.Prepare derives the status
	// intervals decision rights are measured from, the other facts are
	// replaced by plain tables.
	sqlExec(b, st, `INSERT INTO item_events SELECT 'a' || range, 'acme-jira:' || (range * 13), TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(range * 100),
	NULL, 'status', 'status', 'In Progress', 'Awaiting Approval', NULL, NULL FROM range(5000)`)
	sqlExec(b, st, `INSERT INTO item_events SELECT 'b' || range, 'acme-jira:' || (range * 13), TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(range * 100 + 600),
	'person-' || (range % 9), 'status', 'status', 'Awaiting Approval', 'In Review', NULL, NULL FROM range(5000)`)
	if err := analysis.Prepare(ctx, st.DB(), &analysis.Env{From: fxFrom, To: fxTo, Now: fxNow}); err != nil {
		b.Fatal(err)
	}
	dropFacts(b, st, "v_review_waits", "v_blocked", "v_dependency_waits", "v_wip", "v_pr_phases", "v_sprint_commitment")
	sqlExec(b, st, `CREATE TABLE v_review_waits AS SELECT 'gh:' || range AS item_id, 'acme/api#' || range AS key, 'acme/api' AS repo,
	'person-' || (range % 120) AS author, (`+teams+`)[1 + range % 6] AS author_team, 'person-' || (range % 17) AS reviewer,
	(`+teams+`)[1 + range % 5] AS reviewer_team, TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(range * 10) AS requested_at,
	NULL::TIMESTAMPTZ AS first_review_at, (range % 97)::DOUBLE AS wait_hours, (range % 31)::DOUBLE AS work_hours, false AS open FROM range(50000)`)
	sqlExec(b, st, `CREATE TABLE v_blocked AS SELECT 'x' || range AS item_id, 'X-' || range AS key, (`+teams+`)[1 + range % 6] AS team,
	TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(range * 25) AS start_at, NULL::TIMESTAMPTZ AS end_at, (range % 200)::DOUBLE AS hours,
	1.0 AS work_hours, 'link' AS reason, 'PLAT-' || range AS blocker_key, 'platform' AS blocker_team FROM range(20000)`)
	sqlExec(b, st, `CREATE TABLE v_dependency_waits AS SELECT 'GROW-' || range AS waiting_key, (`+teams+`)[1 + range % 6] AS waiting_team,
	'PLAT-' || (range * 7) AS blocker_key, (`+teams+`)[1 + (range + 1) % 6] AS blocker_team,
	TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(range * 50) AS start_at, NULL::TIMESTAMPTZ AS end_at,
	(range % 300)::DOUBLE AS hours, 1.0 AS work_hours FROM range(10000)`)
	sqlExec(b, st, `CREATE TABLE v_wip AS SELECT 'person-' || (range % 120) AS person, 'growth' AS team,
	CAST(TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_days(CAST(range // 120 AS INTEGER)) AS DATE) AS day, range % 6 AS items FROM range(43800)`)
	sqlExec(b, st, `CREATE TABLE v_pr_phases AS SELECT 'gh:' || range AS item_id, 'acme/api#' || range AS key, 'acme/api' AS repo,
	'person-1' AS author, 'growth' AS team, NULL::TIMESTAMPTZ AS created_at, NULL::TIMESTAMPTZ AS ready_at, NULL::TIMESTAMPTZ AS first_review_at,
	NULL::TIMESTAMPTZ AS first_approval_at, TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_minutes(range * 17) AS merged_at,
	NULL::TIMESTAMPTZ AS closed_at, 1.0 AS pickup_hours, 1.0 AS review_hours, 1.0 AS merge_hours, true AS approved,
	range % 40 = 0 AS unreviewed_merge FROM range(30000)`)
	sqlExec(b, st, `CREATE TABLE v_sprint_commitment AS SELECT 's' || range AS sprint_id, 'Sprint ' || range AS sprint,
	(`+teams+`)[1 + range % 6] AS team, TIMESTAMPTZ '2025-11-01 00:00:00+00' + to_days(CAST(range * 2 AS INTEGER)) AS start_at,
	TIMESTAMPTZ '2025-11-15 00:00:00+00' + to_days(CAST(range * 2 AS INTEGER)) AS end_at, 20 AS committed, 15 AS completed,
	3 AS added, 1 AS removed, 5 AS carried_over FROM range(180)`)
	sqlExec(b, st, `INSERT INTO runs (run_id, started_at, finished_at, from_ts, to_ts, config_hash) VALUES ('2026-10-01..2026-11-01', TIMESTAMPTZ '2026-11-01 00:00:00+00', NULL, TIMESTAMPTZ '2026-10-01 00:00:00+00', TIMESTAMPTZ '2026-11-01 00:00:00+00', 'h')`)
	sqlExec(b, st, `INSERT INTO findings SELECT '2026-10-01..2026-11-01', 'silo', 'warn', 'growth', 'person', 'person-' || range, range / 100, 'summary', '{"items": [{"key": "GROW-1"}]}' FROM range(60)`)
	sqlExec(b, st, `INSERT INTO metrics SELECT '2026-10-01..2026-11-01', 'team', (`+teams+`)[1 + range % 6], 'throughput', '2026-W' || (range % 52), range, range FROM range(5000)`)
	return st
}

func benchPlan() *config.Plan {
	p := &config.Plan{}
	for i, t := range []string{"growth", "platform", "mobile", "web", "data", "payments"} {
		proj := []string{"GROW", "PLAT", "MOB", "WEB", "DATA", "PAY"}[i]
		p.Goals = append(p.Goals, config.Goal{ID: "g-" + t, Title: "Goal of " + t, Team: t,
			Due:   config.Date{Time: fxTo.AddDate(0, 2, 0)},
			Scope: config.Scope{Projects: []string{proj}, Epics: []string{proj + "-E1"}, Labels: []string{"label-3"}}})
	}
	p.Dependencies = []config.Dependency{{ID: "d", From: "platform", To: "growth", Due: config.Date{Time: fxTo.AddDate(0, 1, 0)},
		Scope: config.Scope{Epics: []string{"PLAT-E7"}}}}
	p.Decisions = []config.DecisionRight{{ID: "r", Owners: []string{"person-1"}, Match: config.Match{States: []string{"Awaiting Approval"}}}}
	for m := range config.AgreementMetrics {
		p.Agreements = append(p.Agreements, config.Agreement{ID: m, Metric: m, Target: 3, Raw: "3"})
	}
	return p
}

// BenchmarkGenerate writes all three formats for a store of 100k items.
func BenchmarkGenerate(b *testing.B) {
	st := bigStore(b, 100_000)
	opts := reports.Options{Plan: benchPlan(), From: fxFrom, To: fxTo, Period: "2026-10", OutDir: b.TempDir(), Now: fxNow}
	res, err := reports.Generate(context.Background(), st, opts)
	if err != nil {
		b.Fatal(err)
	}
	if d := res.Report.Plan.Decisions[0]; d.Decided == 0 {
		b.Fatalf("the decision right is not measured: %+v", d)
	}
	if g := res.Report.Plan.Goals[0]; g.Progress.Items < 10000 || g.Forecast == nil || len(res.Report.Interaction.ReviewWaits) == 0 {
		b.Fatalf("the benchmark store is not exercised: %+v", g)
	}
	for b.Loop() {
		if _, err := reports.Generate(context.Background(), st, opts); err != nil {
			b.Fatal(err)
		}
	}
}
