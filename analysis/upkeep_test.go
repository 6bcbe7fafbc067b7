package analysis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// TestUpkeepMatchesRebuild changes a few items as a sync would (new
// events, a new and a deleted item, a review, a label, a blocker that gets
// done, an issue in progress handed to someone for four days) and a few
// identities as the resolve after it would (one merged into another
// person, a person found to be a bot, a new identity), and checks
// the stable tables brought up to date per item equal, row for row, the
// same tables built anew; and that a change to a shared table (statuses)
// rebuilds them.
func TestUpkeepMatchesRebuild(t *testing.T) {
	st := benchStore(t, 0.02)
	ctx := context.Background()
	exec := func(q string) {
		t.Helper()
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	// P0-0 blocks P10-10 (never done); P0-0 is done only after the first analysis.
	exec(`INSERT INTO links VALUES ('jira:0', 'jira:10', 'blocks', TIMESTAMPTZ '2025-11-03 01:00:00+00', NULL);
UPDATE item_events SET to_value = 'In Review' WHERE item_id = 'jira:0' AND to_value = 'Done'`)
	analyze := func() []analysis.Timing { return analyzeLast90Days(t, st) }
	analyze()
	exec(`INSERT INTO item_events VALUES
	('up-1', 'jira:0', TIMESTAMPTZ '2025-11-10 09:00:00+00', 'jira/3', 'status', 'status', 'In Review', 'Done', '4', '6'),
	('up-2', 'jira:20', TIMESTAMPTZ '2026-01-05 09:00:00+00', 'jira/3', 'assignee', 'assignee', 'Person 43', 'Person 7', '43', '7'),
	('up-2b', 'jira:20', TIMESTAMPTZ '2026-01-09 09:00:00+00', 'jira/3', 'assignee', 'assignee', 'Person 7', 'Person 8', '7', '8'),
	('up-3', 'jira:41', TIMESTAMPTZ '2025-11-20 10:00:00+00', 'jira/3', 'labels', 'labels', '', 'needs-decision', NULL, NULL),
	('up-4', 'jira:new', TIMESTAMPTZ '2025-11-21 10:00:00+00', 'jira/5', 'status', 'status', 'To Do', 'In Progress', '1', '3');
INSERT INTO items SELECT * REPLACE ('jira:new' AS item_id, 'P0-new' AS key) FROM items WHERE item_id = 'jira:42';
DELETE FROM item_events WHERE item_id = 'jira:43'; DELETE FROM items WHERE item_id = 'jira:43';
INSERT INTO reviews SELECT 'up-r', item_id, 'gh/9', 'CHANGES_REQUESTED', created_at + INTERVAL 2 HOUR
FROM items WHERE kind = 'pull_request' ORDER BY item_id LIMIT 1`)
	// identities as a resolve after a sync changes them: one merged into
	// another person (the actor and assignee of items no event of the sync
	// touched), a person who turns out to be a bot, a new identity
	exec(`UPDATE identities SET person_id = 'p7' WHERE identity_id = 'jira/250';
UPDATE people SET is_bot = true WHERE person_id = 'p260';
INSERT INTO identities SELECT * REPLACE ('jira/new' AS identity_id, 'new' AS external_id, NULL AS person_id)
FROM identities WHERE identity_id = 'jira/1'`)
	// and a person moving team: the pull-request tables read teams
	exec(`UPDATE team_members SET team = 't5' WHERE person_id = 'p3'`)
	if !hasStep(analyze(), analysis.StepUpkeep) {
		t.Fatal("a sync that touched 6 items, 3 identities and a membership rebuilt the stable tables instead of keeping them up per item")
	}
	stable := stableTables(t, st)
	for _, name := range stable {
		exec("CREATE OR REPLACE TABLE snap_" + name + " AS SELECT * FROM " + name)
	}
	exec("DELETE FROM derived_builds")
	if hasStep(analyze(), analysis.StepUpkeep) {
		t.Fatal("no record of the builds, yet upkeep ran")
	}
	for _, name := range stable {
		var extra, missing, rows int
		err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM `+name+`),
	(SELECT count(*) FROM (SELECT * FROM snap_`+name+` EXCEPT ALL SELECT * FROM `+name+`)),
	(SELECT count(*) FROM (SELECT * FROM `+name+` EXCEPT ALL SELECT * FROM snap_`+name+`))`).Scan(&rows, &extra, &missing)
		if err != nil {
			t.Fatal(err)
		}
		if extra+missing > 0 {
			t.Errorf("%s kept per item has %d rows the rebuild lacks and lacks %d of its %d", name, extra, missing, rows)
		}
	}
	var blockedEnd time.Time
	if err := st.DB().QueryRowContext(ctx, `SELECT end_at FROM v_blocked_stable WHERE item_id = 'jira:10' AND reason = 'link'`).
		Scan(&blockedEnd); err != nil || !blockedEnd.Equal(time.Date(2025, 11, 10, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("the blocked item's wait ends %v (%v), want when its blocker was done", blockedEnd, err)
	}
	exec(`UPDATE statuses SET status_category = 'done' WHERE name = 'In Review'`)
	if hasStep(analyze(), analysis.StepUpkeep) {
		t.Error("a change to the statuses was kept up per item, not rebuilt")
	}
}

// analyzeLast90Days analyses the benchmark store's last 90 days and
// returns the steps it took.
func analyzeLast90Days(t *testing.T, st *store.Store) []analysis.Timing {
	t.Helper()
	end := benchstore.Start.AddDate(1, 0, 0)
	env := analysis.Env{From: end.AddDate(0, 0, -90), To: end, Now: end, Calendar: config.Calendar{Timezone: "UTC"}}
	var tm analysis.Timings
	if _, err := analysis.Analyze(context.Background(), st, analysis.Options{Env: env, Timings: &tm}); err != nil {
		t.Fatal(err)
	}
	return tm.Steps
}

func hasStep(steps []analysis.Timing, kind string) bool {
	for _, s := range steps {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

// stableTables lists the stable derived tables.
func stableTables(t *testing.T, st *store.Store) []string {
	var out []string
	for _, d := range analysis.DerivedFacts() {
		if d.Stable {
			out = append(out, d.Name)
		}
	}
	if len(out) < 5 || !strings.Contains(strings.Join(out, " "), "v_status_intervals_stable") {
		t.Fatalf("stable tables %v", out)
	}
	return out
}

// TestUpkeepIgnoresUpdatedAt touches only items' updated_at, as a tracker
// does for a comment, and wants no item built again. That no definition
// reads updated_at, the ground for leaving it out of the items'
// fingerprint, is TestItemColumnsUnread's to check.
func TestUpkeepIgnoresUpdatedAt(t *testing.T) {
	st := benchStore(t, 0.02)
	ctx := context.Background()
	analyze := func() []analysis.Timing { return analyzeLast90Days(t, st) }
	analyze()
	for _, q := range []string{
		// every tenth item commented on: only its updated_at moves
		`UPDATE items SET updated_at = TIMESTAMPTZ '2026-11-02 10:00:00+00' WHERE hash(item_id) % 10 = 0`,
		// and one item really moved
		`INSERT INTO item_events VALUES ('up-1', 'jira:20', TIMESTAMPTZ '2026-01-05 09:00:00+00', 'jira/3', 'assignee', 'assignee', 'Person 43', 'Person 7', '43', '7')`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	steps := analyze()
	if !hasStep(steps, analysis.StepUpkeep) {
		t.Fatal("the sync was not kept up per item")
	}
	for _, s := range steps {
		if s.Kind == analysis.StepUpkeep && s.Rows != 1 {
			t.Errorf("upkeep built %d items again, want the 1 whose events changed", s.Rows)
		}
	}
}
