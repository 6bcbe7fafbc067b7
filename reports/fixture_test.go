package reports_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

// The fixture is a small organisation written straight into the store: two
// teams, a month of work (October 2026), an analyze run with findings and
// metrics, and the analysis views as plain tables with the contract's
// columns, so the reports are tested without the analysis modules. Decision
// rights are the exception: analysis.DecisionStats derives them from the
// status changes, so the fixture records those and runs analysis.Prepare.
var (
	fxFrom = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	fxTo   = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fxNow  = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
)

func oct(d int, h int) time.Time { return time.Date(2026, 10, d, h, 0, 0, 0, time.UTC) }

func sqlExec(t testing.TB, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().Exec(q, args...); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

// item inserts an item; done items get resolved.
func item(t testing.TB, st *store.Store, key, team, title, kind, container string, epic string, labels string, created time.Time, resolved *time.Time, points float64) {
	t.Helper()
	cat := "indeterminate"
	if resolved != nil {
		cat = "done"
	}
	sqlExec(t, st, `INSERT INTO items (item_id, source, kind, key, container, title, status, status_category, team,
	epic_key, story_points, labels, created_at, resolved_at, url) VALUES (?, 'acme-jira', ?, ?, ?, ?, ?, ?, ?, ?, ?, `+labels+`, ?, ?, ?)`,
		"acme-jira:"+key, kind, key, container, title, cat, cat, team, nullable(epic), points, created, resolved,
		"https://acme.atlassian.net/browse/"+key)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func newFixture(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// GitHub's last sync failed an hour ago; it last succeeded the day before.
	sqlExec(t, st, `INSERT INTO sources (name, kind, url, last_sync_at, last_status, last_error, last_attempt_at) VALUES
	('acme-jira', 'jira', 'https://acme.atlassian.net', ?, 'ok', NULL, ?),
	('acme-github', 'github', 'https://api.github.com', ?, 'failed', 'rate limited until 09:00', ?)`,
		fxNow, fxNow, fxNow.Add(-25*time.Hour), fxNow.Add(-time.Hour))
	sqlExec(t, st, `INSERT INTO people VALUES ('alice-martin', 'Alice Martin', NULL, false), ('bob-stone', 'Bob Stone', NULL, false),
	('carol-diaz', 'Carol Diaz', NULL, false), ('dave-kim', 'Dave Kim', NULL, false)`)
	sqlExec(t, st, `INSERT INTO identities (identity_id, source, external_id, login, display_name, person_id)
	SELECT 'acme-jira/' || person_id, 'acme-jira', person_id, person_id, display_name, person_id FROM people`)
	// Growth: the onboarding epic, ten issues, four done in October; one
	// title tries to inject a script.
	item(t, st, "GROW-100", "growth", "Onboarding epic", "epic", "GROW", "", "['onboarding']", oct(1, 9), nil, 0)
	for i := 1; i <= 10; i++ {
		var res *time.Time
		if i <= 4 {
			r := oct(3*i, 15)
			res = &r
		}
		title := fmt.Sprintf("Onboarding step %d", i)
		if i == 7 {
			title = "<script>alert(1)</script> & more"
		}
		item(t, st, fmt.Sprintf("GROW-%d", 100+i), "growth", title, "issue", "GROW", "GROW-100", "[]", oct(1, 9), res, 3)
	}
	// Twelve weeks of growth and platform history: 2 and 3 items a week.
	for w := 0; w < 12; w++ {
		r := fxTo.AddDate(0, 0, -7*w-3)
		item(t, st, fmt.Sprintf("GROW-%d", 300+w), "growth", "Past growth work", "issue", "GROW", "", "[]", r.AddDate(0, 0, -10), &r, 1)
		item(t, st, fmt.Sprintf("GROW-%d", 400+w), "growth", "Past growth work", "issue", "GROW", "", "[]", r.AddDate(0, 0, -10), &r, 1)
		for k := 0; k < 3; k++ {
			r := r.Add(time.Duration(k) * time.Hour)
			item(t, st, fmt.Sprintf("PLAT-%d", 500+10*w+k), "platform", "Past platform work", "issue", "PLAT", "", "[]", r.AddDate(0, 0, -8), &r, 2)
		}
	}
	// Platform: billing done; the SSO API (a dependency) still open; the
	// audit log delivered late.
	for i, k := range []string{"PLAT-150", "PLAT-151", "PLAT-152"} {
		r := oct(10+i, 12)
		item(t, st, k, "platform", "Billing v2 part", "issue", "PLAT", "", "[]", oct(1, 9), &r, 5)
	}
	item(t, st, "PLAT-201", "platform", "SSO endpoints", "issue", "PLAT", "", "[]", oct(1, 9), nil, 8)
	item(t, st, "PLAT-202", "platform", "SSO tokens", "issue", "PLAT", "", "[]", oct(1, 9), nil, 5)
	late := oct(20, 10)
	item(t, st, "PLAT-210", "platform", "Audit log API", "issue", "PLAT", "", "[]", oct(1, 9), &late, 3)
	decisions(t, st)
	views(t, st)
	run(t, st)
	return st
}

// decisions records October's approvals as status changes and derives the
// analysis facts from them (analysis.Prepare): decision rights are measured
// from the status intervals by analysis.DecisionStats, in working hours.
func decisions(t testing.TB, st *store.Store) {
	for i, d := range []struct {
		key, decider     string
		entered, decided time.Time
	}{
		{"GROW-101", "carol-diaz", oct(2, 9), oct(3, 9)},
		{"GROW-102", "carol-diaz", oct(5, 9), oct(5, 15)},
		{"GROW-103", "alice-martin", oct(7, 9), oct(11, 9)},
		{"GROW-104", "carol-diaz", oct(12, 9), oct(13, 9)},
		{"GROW-108", "", oct(27, 9), time.Time{}},
		{"PLAT-150", "bob-stone", oct(7, 9), oct(8, 9)},
	} {
		sqlExec(t, st, `INSERT INTO item_events VALUES (?, ?, ?, 'acme-jira/dave-kim', 'status', 'status', 'In Progress', 'Awaiting Approval', NULL, NULL)`,
			fmt.Sprintf("e%d-1", i), "acme-jira:"+d.key, d.entered)
		if d.decider != "" {
			sqlExec(t, st, `INSERT INTO item_events VALUES (?, ?, ?, ?, 'status', 'status', 'Awaiting Approval', 'In Review', NULL, NULL)`,
				fmt.Sprintf("e%d-2", i), "acme-jira:"+d.key, d.decided, "acme-jira/"+d.decider)
		}
	}
	env := analysis.Env{From: fxFrom, To: fxTo, Now: fxNow}
	if err := analysis.Prepare(context.Background(), st.DB(), &env); err != nil {
		t.Fatal(err)
	}
}

// views creates the analysis views as tables holding October's facts.
func views(t testing.TB, st *store.Store) {
	dropFacts(t, st, "v_review_waits", "v_dependency_waits", "v_blocked", "v_wip", "v_pr_phases")
	sqlExec(t, st, `CREATE TABLE v_review_waits AS SELECT * FROM (VALUES
	('gh:1', 'acme/api#1', 'acme/api', 'carol-diaz', 'growth', 'alice-martin', 'platform', TIMESTAMPTZ '2026-10-02 10:00:00+00', TIMESTAMPTZ '2026-10-05 10:00:00+00', 72.0, 8.0, false),
	('gh:2', 'acme/api#2', 'acme/api', 'dave-kim', 'growth', 'alice-martin', 'platform', TIMESTAMPTZ '2026-10-06 10:00:00+00', TIMESTAMPTZ '2026-10-06 12:00:00+00', 2.0, 2.0, false),
	('gh:3', 'acme/api#3', 'acme/api', 'bob-stone', 'platform', 'alice-martin', 'platform', TIMESTAMPTZ '2026-10-07 10:00:00+00', TIMESTAMPTZ '2026-10-08 09:00:00+00', 23.0, 7.0, false),
	('gh:4', 'acme/web#4', 'acme/web', 'alice-martin', 'platform', 'carol-diaz', 'growth', TIMESTAMPTZ '2026-10-08 10:00:00+00', TIMESTAMPTZ '2026-10-08 11:00:00+00', 1.0, 1.0, false),
	('gh:5', 'acme/web#5', 'acme/web', 'bob-stone', 'platform', 'dave-kim', 'growth', TIMESTAMPTZ '2026-10-09 10:00:00+00', TIMESTAMPTZ '2026-10-09 15:00:00+00', 5.0, 5.0, false),
	('gh:6', 'acme/api#6', 'acme/api', 'carol-diaz', 'growth', 'alice-martin', 'platform', TIMESTAMPTZ '2026-10-12 10:00:00+00', TIMESTAMPTZ '2026-10-20 10:00:00+00', 192.0, 48.0, false),
	('gh:7', 'acme/api#7', 'acme/api', 'dave-kim', 'growth', 'alice-martin', 'platform', TIMESTAMPTZ '2026-10-28 10:00:00+00', NULL, NULL, NULL, true),
	('gh:8', 'acme/api#8', 'acme/api', 'bob-stone', 'platform', 'alice-martin', 'platform', TIMESTAMPTZ '2026-09-08 10:00:00+00', TIMESTAMPTZ '2026-09-08 12:00:00+00', 2.0, 2.0, false)
	) v(item_id, key, repo, author, author_team, reviewer, reviewer_team, requested_at, first_review_at, wait_hours, work_hours, open)`)
	sqlExec(t, st, `CREATE TABLE v_dependency_waits AS SELECT * FROM (VALUES
	('GROW-105', 'growth', 'PLAT-201', 'platform', TIMESTAMPTZ '2026-10-05 09:00:00+00', CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE)),
	('GROW-106', 'growth', 'PLAT-210', 'platform', TIMESTAMPTZ '2026-10-06 09:00:00+00', TIMESTAMPTZ '2026-10-20 10:00:00+00', 337.0, 80.0),
	('PLAT-150', 'platform', 'GROW-101', 'growth', TIMESTAMPTZ '2026-10-02 09:00:00+00', TIMESTAMPTZ '2026-10-03 09:00:00+00', 24.0, 8.0)
	) v(waiting_key, waiting_team, blocker_key, blocker_team, start_at, end_at, hours, work_hours)`)
	sqlExec(t, st, `CREATE TABLE v_blocked AS SELECT * FROM (VALUES
	('acme-jira:GROW-105', 'GROW-105', 'growth', TIMESTAMPTZ '2026-10-05 09:00:00+00', CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), 'link', 'PLAT-201', 'platform'),
	('acme-jira:GROW-106', 'GROW-106', 'growth', TIMESTAMPTZ '2026-10-06 09:00:00+00', TIMESTAMPTZ '2026-10-07 09:00:00+00', 24.0, 8.0, 'flag', NULL, NULL),
	('acme-jira:PLAT-151', 'PLAT-151', 'platform', TIMESTAMPTZ '2026-10-06 09:00:00+00', TIMESTAMPTZ '2026-10-06 19:00:00+00', 10.0, 8.0, 'status', NULL, NULL)
	) v(item_id, key, team, start_at, end_at, hours, work_hours, reason, blocker_key, blocker_team)`)
	sqlExec(t, st, `CREATE TABLE v_wip AS SELECT p.person AS person, p.team AS team, d.day AS day, p.items + (d.k % 2) AS items
	FROM (VALUES ('alice-martin', 'platform', 4), ('bob-stone', 'platform', 2), ('carol-diaz', 'growth', 1)) p(person, team, items),
	(SELECT CAST(TIMESTAMPTZ '2026-09-01 00:00:00+00' + to_days(CAST(range AS INTEGER)) AS DATE) AS day, range AS k FROM range(61)) d`)
	sqlExec(t, st, `CREATE TABLE v_pr_phases AS SELECT * FROM (VALUES
	('gh:1', 'acme/api#1', 'acme/api', 'carol-diaz', 'growth', TIMESTAMPTZ '2026-10-02 09:00:00+00', TIMESTAMPTZ '2026-10-02 10:00:00+00', TIMESTAMPTZ '2026-10-05 10:00:00+00', TIMESTAMPTZ '2026-10-05 11:00:00+00', TIMESTAMPTZ '2026-10-06 10:00:00+00', CAST(NULL AS TIMESTAMPTZ), 72.0, 1.0, 23.0, true, false),
	('gh:9', 'acme/api#9', 'acme/api', 'alice-martin', 'platform', TIMESTAMPTZ '2026-10-14 09:00:00+00', TIMESTAMPTZ '2026-10-14 09:00:00+00', CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), TIMESTAMPTZ '2026-10-14 11:00:00+00', CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), 2.0, false, true)
	) v(item_id, key, repo, author, team, created_at, ready_at, first_review_at, first_approval_at, merged_at, closed_at, pickup_hours, review_hours, merge_hours, approved, unreviewed_merge)`)
	sqlExec(t, st, `INSERT INTO sprints (sprint_id, source, name, state, start_at, end_at, complete_at) VALUES
	('acme-jira:1', 'acme-jira', 'GROW Sprint 20', 'closed', '2026-09-21 09:00:00+00', '2026-10-05 09:00:00+00', '2026-10-05 09:00:00+00'),
	('acme-jira:2', 'acme-jira', 'GROW Sprint 21', 'closed', '2026-10-05 09:00:00+00', '2026-10-19 09:00:00+00', '2026-10-19 09:00:00+00'),
	('acme-jira:3', 'acme-jira', 'GROW Sprint 22', 'active', '2026-10-19 09:00:00+00', '2026-11-02 09:00:00+00', NULL),
	('acme-jira:4', 'acme-jira', 'PLAT Sprint 7', 'closed', '2026-10-01 09:00:00+00', '2026-10-15 09:00:00+00', '2026-10-15 09:00:00+00'),
	('acme-jira:5', 'acme-jira', 'PLAT Sprint 8', 'closed', '2026-10-15 09:00:00+00', '2026-10-29 09:00:00+00', '2026-10-29 09:00:00+00')`)
	sqlExec(t, st, `INSERT INTO sprint_items VALUES ('acme-jira:2', 'acme-jira:GROW-105', NULL, NULL, true, false),
	('acme-jira:5', 'acme-jira:GROW-105', NULL, NULL, true, false), ('acme-jira:4', 'acme-jira:PLAT-150', NULL, NULL, true, true),
	('acme-jira:5', 'acme-jira:PLAT-201', NULL, NULL, true, false), ('acme-jira:2', 'acme-jira:GROW-106', NULL, NULL, true, false)`)
	// GROW Sprint 20: 10 committed, 8 completed, 1 added. Sprint 21: 8
	// committed, 6 completed, 1 added. PLAT Sprint 7: 9 of 9; Sprint 8: 9
	// committed, 7 completed, 1 added.
	sprintItems(t, st, "acme-jira:1", "GROW-%d", 302, 311, 8, "GROW-409")
	sprintItems(t, st, "acme-jira:2", "GROW-%d", 402, 407, 6, "GROW-408")
	sprintItems(t, st, "acme-jira:4", "PLAT-%d", 500, 507, 8, "")
	sprintItems(t, st, "acme-jira:5", "PLAT-%d", 510, 516, 7, "PLAT-520")
	// GROW Sprint 22 is under way at the end of October: 8 committed
	// (GROW-105..110 open, GROW-300 and GROW-400 done on October 29), 1
	// added (GROW-301, done on October 22); 3 of 9 done so far.
	sqlExec(t, st, `INSERT INTO sprint_items SELECT 'acme-jira:3', 'acme-jira:' || k, NULL, NULL, true, false
	FROM unnest(['GROW-105', 'GROW-106', 'GROW-107', 'GROW-108', 'GROW-109', 'GROW-110', 'GROW-300', 'GROW-400']) t(k)`)
	sqlExec(t, st, `INSERT INTO sprint_items VALUES ('acme-jira:3', 'acme-jira:GROW-301', '2026-10-20 09:00:00+00', NULL, false, false)`)
}

// sprintItems puts items format%d for from..to in sprint as committed, the
// first done of them completed in it, and added (when given) as added two
// days after the start and completed.
func sprintItems(t testing.TB, st *store.Store, sprint, format string, from, to, done int, added string) {
	t.Helper()
	for n := from; n <= to; n++ {
		sqlExec(t, st, `INSERT INTO sprint_items VALUES (?, ?, NULL, NULL, true, ?)`, sprint, "acme-jira:"+fmt.Sprintf(format, n), n-from < done)
	}
	if added != "" {
		sqlExec(t, st, `INSERT INTO sprint_items SELECT sprint_id, ?, start_at + INTERVAL 2 DAY, NULL, false, true FROM sprints WHERE sprint_id = ?`,
			"acme-jira:"+added, sprint)
	}
}

// dropFacts drops the analysis facts analysis.Prepare made under names the
// caller replaces with plain tables of its own.
func dropFacts(t testing.TB, st *store.Store, names ...string) {
	t.Helper()
	for _, v := range names {
		var kind string
		if err := st.DB().QueryRow(`SELECT CASE table_type WHEN 'VIEW' THEN 'VIEW' ELSE 'TABLE' END
		FROM information_schema.tables WHERE table_name = ?`, v).Scan(&kind); err == nil {
			sqlExec(t, st, "DROP "+kind+" "+v)
		}
	}
}

// run records an analyze run of October with findings and metrics.
func run(t testing.TB, st *store.Store) {
	sqlExec(t, st, `INSERT INTO runs (run_id, started_at, finished_at, from_ts, to_ts, config_hash) VALUES ('2026-10-01..2026-11-01', ?, ?, ?, ?, 'abc')`, fxNow, fxNow, fxFrom, fxTo)
	sqlExec(t, st, `INSERT INTO findings VALUES
	('2026-10-01..2026-11-01', 'approval_bottleneck', 'critical', 'platform', 'person', 'alice-martin', 0.91,
	 'Five of six review requests to platform wait on one reviewer; the median pickup is 2 days.',
	 '{"values": {"requests": 6, "share": 0.83}, "items": [{"key": "acme/api#6", "url": "https://github.com/acme/api/pull/6", "value": 192}, {"key": "acme/api#7", "url": "javascript:alert(1)", "note": "<b>open</b>"}], "people": ["alice-martin"]}'),
	('2026-10-01..2026-11-01', 'dependency_delay', 'warn', 'growth', 'team_pair', 'growth/platform', 0.7,
	 'Growth waited 26 days in total on platform items, a third of its cycle time.', '{"values": {"hours": 624}}'),
	('2026-10-01..2026-11-01', 'stalled_commitment', 'warn', 'growth', 'team', 'growth', 0.55,
	 'Half of what growth commits to a sprint is carried into the next.', '{"items": [{"key": "GROW-105", "url": "https://acme.atlassian.net/browse/GROW-105", "value": 2}]}'),
	('2026-10-01..2026-11-01', 'silo', 'info', 'platform', 'repo', 'acme/billing', 0.4,
	 'One person did 9 of 10 reviews in acme/billing.', '{}')`)
	sqlExec(t, st, `INSERT INTO metrics VALUES
	('2026-10-01..2026-11-01', 'team', 'growth', 'throughput', '2026-10', 10, 10),
	('2026-10-01..2026-11-01', 'team', 'growth', 'cycle_time_p85_days', 'all', 9.5, 10),
	('2026-10-01..2026-11-01', 'team', 'platform', 'cycle_time_p85_days', 'all', 4.2, 20),
	('2026-10-01..2026-11-01', 'team', 'platform', 'review_pickup_p85_hours', 'all', 150, 7),
	('2026-10-01..2026-11-01', 'person', 'alice-martin', 'wip_max', 'all', 5, 31)`)
	// Five earlier months of health, as earlier monthly reports stored them.
	for i, p := range []string{"2026-05", "2026-06", "2026-07", "2026-08", "2026-09"} {
		sqlExec(t, st, `INSERT INTO health_snapshots VALUES (?, 'growth', 'throughput', ?, 10), (?, 'growth', 'cycle_time_p85_days', ?, 10),
		(?, 'platform', 'throughput', ?, 10), (?, 'platform', 'review_pickup_p85_hours', ?, 10)`,
			p, 6+i, p, 12-float64(i)/2, p, 14-i, p, 40+20*i)
	}
}

func fixturePlan(t testing.TB) *config.Plan {
	t.Helper()
	p, err := config.LoadPlan("testdata/plan.yaml", []string{"growth", "platform"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fixtureOptions(t testing.TB, dir string) reports.Options {
	return reports.Options{Plan: fixturePlan(t), From: fxFrom, To: fxTo, Period: "2026-10", OutDir: dir, Now: fxNow,
		Coverage: []string{"source acme-github failed: rate limited until 09:00 (its data is from the previous sync)"}}
}
