// Package benchstore fills a store with the benchmark organisation by SQL
// generators (not through the connectors): at scale 1, 100,000 items
// (70,000 Jira issues, 30,000 pull requests) and 2,000,000 events over a
// year, 20 teams of 25 people. The analysis and report benchmarks and the
// golden findings read it.
//
// Its Jira item ids ("jira:4730") fit the 12 bytes DuckDB keeps a string
// inline; a real config's ids ("acme-jira:4730", "acme-github:org/repo#12")
// do not. Filled with ids of that form, the store built its shared tables
// and analysed a window in the same time (7.83 s against 7.81 s from
// nothing), so the figures do not rest on the short ids.
package benchstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Start is when the benchmark year begins; it ends a year later.
var Start = time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)

// Fill inserts the organisation at scale s into the store's empty tables.
func Fill(ctx context.Context, db *sql.DB, s float64) error {
	for _, q := range statements(s) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("fill the benchmark store: %w\n%s", err, q)
		}
	}
	return nil
}

// statements build the benchmark store at scale s of the headline 2M
// events (s=1: 70,000 issues, 30,000 pull requests over a year). Issue i
// is created i*8/s minutes after the start, moves To Do -> In Progress ->
// In Review and back a few times over 25 status and assignee events an
// hour or more apart, and 90% end Done. Pull request j gets 1.5 review
// requests, 2 reviews and 8 timeline events on average. Smaller and larger
// scales keep the year and the 20 teams of 25 people and change the
// density.
func statements(s float64) []string {
	n := func(base int) string { return strconv.Itoa(int(float64(base) * s)) }
	r := strings.NewReplacer(
		"{issues}", n(70000), "{issue_events}", n(1750000), "{prs}", n(30000), "{requests}", n(45000),
		"{reviews}", n(60000), "{pr_events}", n(250000),
		"{issue_min}", strconv.FormatFloat(8/s, 'g', -1, 64), "{pr_min}", strconv.FormatFloat(17/s, 'g', -1, 64))
	out := make([]string, len(fillSQL))
	for i, q := range fillSQL {
		out[i] = r.Replace(q)
	}
	return out
}

var fillSQL = []string{
	`INSERT INTO teams SELECT 't' || i FROM range(20) r(i)`,
	`INSERT INTO people SELECT 'p' || i, 'Person ' || i, NULL, false FROM range(500) r(i)`,
	`INSERT INTO team_members SELECT 't' || (i % 20), 'p' || i, NULL, NULL FROM range(500) r(i)`,
	`INSERT INTO identities SELECT s || '/' || i, s, i::TEXT, 'p' || i, NULL, 'Person ' || i, false, true, 'p' || i
	FROM range(500) r(i), (VALUES ('jira'), ('gh')) v(s)`,
	`INSERT INTO team_ownership SELECT 't' || i, NULL, 'project', 'P' || i FROM range(20) r(i)`,
	`INSERT INTO team_ownership SELECT 't' || i, NULL, 'repo', 'acme/r' || i FROM range(20) r(i)`,
	`INSERT INTO statuses VALUES ('jira', '1', 'To Do', 'new'), ('jira', '3', 'In Progress', 'indeterminate'),
	('jira', '4', 'In Review', 'indeterminate'), ('jira', '5', 'Blocked', 'indeterminate'), ('jira', '6', 'Done', 'done')`,
	`INSERT INTO items SELECT 'jira:' || i, 'jira', 'issue', 'P' || (i % 20) || '-' || i, 'P' || (i % 20), 'Issue ' || i,
	'Story', CASE WHEN i % 10 = 0 THEN 'In Progress' ELSE 'Done' END,
	CASE WHEN i % 10 = 0 THEN 'indeterminate' ELSE 'done' END, 'Medium', 'jira/' || (i % 500), 'jira/' || ((i + 7) % 500),
	't' || (i % 20), NULL, NULL, 3, [], [], NULL,
	TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT), TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT) + to_hours(60),
	CASE WHEN i % 10 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT) + to_hours(25 * 3 + (i % 50)) END,
	'https://jira.test/browse/P' || (i % 20) || '-' || i
	FROM range({issues}) r(i)`,
	`INSERT INTO item_events SELECT 'jira:' || e, 'jira:' || i,
	TIMESTAMPTZ '2025-11-03' + to_minutes((i * {issue_min})::BIGINT) + to_hours(k * 3 + (i % 50) * (k = 24)::INT),
	'jira/' || (i % 500),
	CASE WHEN k % 6 = 5 THEN 'assignee' ELSE 'status' END, NULL,
	CASE WHEN k % 6 = 5 THEN 'Person ' || (i % 500) WHEN k = 0 THEN 'To Do' WHEN k % 2 = 1 THEN 'In Progress' ELSE 'In Review' END,
	CASE WHEN k % 6 = 5 THEN 'Person ' || ((i + k) % 500) WHEN k = 24 AND i % 10 <> 0 THEN 'Done'
		WHEN k % 2 = 0 THEN 'In Progress' ELSE 'In Review' END,
	CASE WHEN k % 6 = 5 THEN ((i + k - 6) % 500)::TEXT END,
	CASE WHEN k % 6 = 5 THEN ((i + k) % 500)::TEXT END
	FROM (SELECT e, e // 25 AS i, e % 25 AS k FROM range({issue_events}) r(e))`,
	`INSERT INTO items SELECT 'gh:acme/r' || (j % 20) || '#' || j, 'gh', 'pull_request', 'acme/r' || (j % 20) || '#' || j,
	'acme/r' || (j % 20), 'PR ' || j, NULL, CASE WHEN j % 20 = 0 THEN 'open' ELSE 'merged' END,
	CASE WHEN j % 20 = 0 THEN 'indeterminate' ELSE 'done' END, NULL, NULL, 'gh/' || (j % 500), 't' || (j % 20),
	NULL, NULL, NULL, [], [], NULL, TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT), NULL,
	CASE WHEN j % 20 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(30) END,
	'https://github.test/acme/r' || (j % 20) || '/pull/' || j
	FROM range({prs}) r(j)`,
	`INSERT INTO pull_requests SELECT 'gh:acme/r' || (j % 20) || '#' || j, 'acme/r' || (j % 20), j, 'gh/' || (j % 500), false,
	TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT), NULL,
	CASE WHEN j % 20 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(30) END,
	CASE WHEN j % 20 <> 0 THEN TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(30) END,
	'gh/' || (j % 500), 10, 5, 2, 1, 'main'
	FROM range({prs}) r(j)`,
	`INSERT INTO review_requests SELECT 'gh:ev:rq' || x, 'gh:acme/r' || (j % 20) || '#' || j,
	'gh/' || ((j % 20) + 20 * ((j + x) % 25)), NULL, TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_minutes(x % 2),
	NULL, 'gh/' || (j % 500)
	FROM (SELECT x, x * 2 // 3 AS j FROM range({requests}) r(x))`,
	`INSERT INTO reviews SELECT 'gh:' || x, 'gh:acme/r' || (j % 20) || '#' || j, 'gh/' || ((j % 20) + 20 * ((j + x) % 25)),
	CASE WHEN x % 3 = 0 THEN 'COMMENTED' ELSE 'APPROVED' END,
	TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(2 + x % 20)
	FROM (SELECT x, x // 2 AS j FROM range({reviews}) r(x))`,
	`INSERT INTO item_events SELECT 'gh:ev:' || e, 'gh:acme/r' || (j % 20) || '#' || j,
	TIMESTAMPTZ '2025-11-03' + to_minutes((j * {pr_min})::BIGINT) + to_hours(e % 8), 'gh/' || (j % 500),
	['labeled', 'assigned', 'review_requested', 'labeled', 'unlabeled', 'assigned', 'ready_for_review', 'merged'][e % 8 + 1],
	NULL, NULL, 'x', NULL, NULL
	FROM (SELECT e, e // 8 AS j FROM range({pr_events}) r(e))`,
}

// Sync adds what a month's sync brings to the benchmark store for every
// item opened in [from, to) (about 7% of the items for a month): a comment
// an hour after its opening and, on each issue, a status change an hour
// after its last event (a done issue reopened to In Progress, any other
// done), with the current status to match, and every such item
// stamped updated at to. The changes are made
// by the assignee or, with newcomer, by a person and identity the
// store did not know (as when someone joins). Events and newcomers are
// numbered by run, so repeated calls add new ones.
func Sync(ctx context.Context, db *sql.DB, run int, from, to time.Time, newcomer bool) error {
	return syncItems(ctx, db, run, from, to, newcomer, 1)
}

// SyncOlder is Sync for one in oneIn of the items opened in [from, to),
// chosen by a hash of their id: the older items a real month's sync also
// touches (a long-running issue moved, an old bug commented on). Call it
// with a range disjoint from the run's Sync.
func SyncOlder(ctx context.Context, db *sql.DB, run int, from, to time.Time, oneIn int) error {
	if oneIn < 1 {
		return fmt.Errorf("benchmark sync: one item in %d", oneIn)
	}
	return syncItems(ctx, db, run, from, to, false, oneIn)
}

// Rerank is what a month's backlog grooming brings: one in oneIn of the
// items opened in [from, to), chosen by a hash of their id, re-ranked at
// at by their assignee (a Jira "Rank" changelog entry) and stamped
// updated at at. Events are numbered by run, so repeated calls add new
// ones.
func Rerank(ctx context.Context, db *sql.DB, run int, from, to, at time.Time, oneIn int) error {
	if oneIn < 1 {
		return fmt.Errorf("benchmark rerank: one item in %d", oneIn)
	}
	picked := fmt.Sprintf("hash(item_id) %% %d = 0", oneIn)
	for _, st := range []syncStep{
		{`INSERT INTO item_events
SELECT 'rank-' || $1 || '-' || item_id, item_id, $4, assignee_id, 'rank', 'rank', '', 'Ranked higher', NULL, NULL
FROM items WHERE created_at >= $2 AND created_at < $3 AND ` + picked, []any{run, from.UTC(), to.UTC(), at.UTC()}},
		{`UPDATE items SET updated_at = $3 WHERE created_at >= $1 AND created_at < $2 AND ` + picked, []any{from.UTC(), to.UTC(), at.UTC()}},
	} {
		if _, err := db.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("benchmark rerank: %w", err)
		}
	}
	return nil
}

func syncItems(ctx context.Context, db *sql.DB, run int, from, to time.Time, newcomer bool, oneIn int) error {
	from, to = from.UTC(), to.UTC()
	mover := "i.assignee_id"
	var steps []syncStep
	if newcomer {
		mover = "'jira/new-' || $1"
		steps = append(steps,
			syncStep{`INSERT INTO people VALUES ('pnew-' || $1, 'Newcomer ' || $1, NULL, false)`, []any{run}},
			syncStep{`INSERT INTO identities VALUES ('jira/new-' || $1, 'jira', 'new-' || $1, 'new-' || $1, NULL, 'Newcomer ' || $1,
	false, true, 'pnew-' || $1)`, []any{run}})
	}
	picked := func(id string) string { return fmt.Sprintf("hash(%s) %% %d = 0", id, oneIn) }
	steps = append(steps,
		syncStep{`INSERT INTO item_events
SELECT 'new-' || $1 || '-' || item_id, item_id, created_at + INTERVAL 1 HOUR, NULL, 'comment', NULL, NULL, NULL, NULL, NULL
FROM items WHERE created_at >= $2 AND created_at < $3 AND ` + picked("item_id"), []any{run, from, to}},
		syncStep{`INSERT INTO item_events
SELECT 'move-' || $1 || '-' || i.item_id, i.item_id, e.last + INTERVAL 1 HOUR, ` + mover + `, 'status', 'status', i.status,
	CASE WHEN i.status = 'Done' THEN 'In Progress' ELSE 'Done' END, NULL, NULL
FROM items i JOIN (SELECT item_id, max(occurred_at) AS last FROM item_events GROUP BY ALL) e USING (item_id)
WHERE i.kind = 'issue' AND i.created_at >= $2 AND i.created_at < $3 AND ` + picked("i.item_id"), []any{run, from, to}},
		syncStep{`UPDATE items SET status = CASE WHEN status = 'Done' THEN 'In Progress' ELSE 'Done' END,
	status_category = CASE WHEN status = 'Done' THEN 'indeterminate' ELSE 'done' END
WHERE kind = 'issue' AND created_at >= $1 AND created_at < $2 AND ` + picked("item_id"), []any{from, to}},
		// a tracker stamps every item it hands out again
		syncStep{`UPDATE items SET updated_at = $3 WHERE created_at >= $1 AND created_at < $2 AND ` + picked("item_id"), []any{from, to, to}})
	for _, st := range steps {
		if _, err := db.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("benchmark sync: %w", err)
		}
	}
	return nil
}

// syncStep is one statement of Sync with its arguments.
type syncStep struct {
	q    string
	args []any
}
