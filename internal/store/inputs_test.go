package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// TestWindowInputs: the fingerprint of a window ending on 1 November
// follows what an analysis of it can read and nothing else.
func TestWindowInputs(t *testing.T) {
	ctx := context.Background()
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		change  string
		changes bool
	}{
		{"an event before the end", `INSERT INTO item_events VALUES ('e9', 'old', TIMESTAMPTZ '2026-10-20', NULL, 'comment', NULL, NULL, NULL, NULL, NULL)`, true},
		{"a later event of an item created before the end", `INSERT INTO item_events VALUES ('e9', 'old', TIMESTAMPTZ '2026-11-03', NULL, 'status', 'status', 'In Progress', 'Done', NULL, NULL)`, true},
		{"a later rank of an item created before the end", `INSERT INTO item_events VALUES ('e9', 'old', TIMESTAMPTZ '2026-11-03', 'j/7', 'rank', 'rank', NULL, 'Ranked higher', NULL, NULL)`, false},
		{"a comment event at the end", `INSERT INTO item_events VALUES ('e9', 'old', TIMESTAMPTZ '2026-11-01', NULL, 'comment', NULL, NULL, NULL, NULL, NULL)`, true},
		{"a newcomer re-ranking an item created before the end", `INSERT INTO identities (identity_id, source, external_id, person_id) VALUES ('j/9', 'j', '9', 'p9');
INSERT INTO people (person_id) VALUES ('p9');
INSERT INTO item_events VALUES ('e9', 'old', TIMESTAMPTZ '2026-11-04', 'j/9', 'rank', 'rank', NULL, 'Ranked higher', NULL, NULL)`, false},
		{"a newcomer moving an item created before the end", `INSERT INTO identities (identity_id, source, external_id, person_id) VALUES ('j/9', 'j', '9', 'p9');
INSERT INTO item_events VALUES ('e9', 'old', TIMESTAMPTZ '2026-11-04', 'j/9', 'status', 'status', 'In Progress', 'Done', NULL, NULL)`, true},
		{"a later comment on an item created before the end", `INSERT INTO comments VALUES ('c9', 'old', 'j/7', TIMESTAMPTZ '2026-11-03', NULL)`, false},
		{"a comment before the end", `INSERT INTO comments VALUES ('c9', 'old', 'j/7', TIMESTAMPTZ '2026-10-30', NULL)`, true},
		{"an item's team", `UPDATE items SET team = 'web' WHERE item_id = 'old'`, true},
		{"an item's status", `UPDATE items SET status = 'Done', status_category = 'done' WHERE item_id = 'old'`, true},
		{"a team membership", `INSERT INTO team_members VALUES ('web', 'p1', NULL, NULL)`, true},
		{"an item created after the end", `INSERT INTO items (item_id, source, kind, key, created_at) VALUES ('new2', 'j', 'issue', 'A-3', TIMESTAMPTZ '2026-11-02')`, false},
		{"an event of an item created after the end", `INSERT INTO item_events VALUES ('e9', 'new', TIMESTAMPTZ '2026-11-04', NULL, 'status', 'status', 'To Do', 'Done', NULL, NULL)`, false},
		{"a review of a pull request opened after the end", `INSERT INTO reviews VALUES ('r9', 'new', NULL, 'APPROVED', TIMESTAMPTZ '2026-11-04')`, false},
		{"an item's updated_at", `UPDATE items SET updated_at = TIMESTAMPTZ '2026-11-05'`, false},
		{"an item groomed: title, priority, points, epic", `UPDATE items SET title = 'Sharper title', priority = 'High', story_points = 5,
	epic_key = 'A-9', parent_key = 'A-9', components = ['api'], milestone = 'v2' WHERE item_id = 'old'`, false},
		{"an item's labels", `UPDATE items SET labels = ['needs-decision'] WHERE item_id = 'old'`, true},
		{"the sync state", `INSERT INTO sync_state VALUES ('j', 'A', 'cursor', NULL, TIMESTAMPTZ '2026-11-05')`, false},
		{"a source's last sync", `UPDATE sources SET last_sync_at = TIMESTAMPTZ '2026-11-05', last_status = 'ok'`, false},
		{"analysis results", `INSERT INTO runs (run_id) VALUES ('r')`, false},
		{"a new identity nothing names", `INSERT INTO identities (identity_id, source, external_id, person_id) VALUES ('j/8', 'j', '8', 'p8');
INSERT INTO people (person_id) VALUES ('p8')`, false},
		{"a second account of someone who acted before the end", `INSERT INTO identities (identity_id, source, external_id, person_id) VALUES ('g/7', 'g', '7', 'p7')`, true},
		{"a newcomer acting only on an item created after the end", `INSERT INTO identities (identity_id, source, external_id, person_id) VALUES ('j/9', 'j', '9', 'p9');
INSERT INTO item_events VALUES ('e9', 'new', TIMESTAMPTZ '2026-11-04', 'j/9', 'comment', NULL, NULL, NULL, NULL, NULL)`, false},
		{"the person of someone who acted before the end", `UPDATE people SET is_bot = true WHERE person_id = 'p7'`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := store.Open(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for _, q := range []string{
				`INSERT INTO sources (name, kind) VALUES ('j', 'jira')`,
				`INSERT INTO items (item_id, source, kind, key, status, team, created_at) VALUES
	('old', 'j', 'issue', 'A-1', 'In Progress', 'growth', TIMESTAMPTZ '2026-10-10'),
	('new', 'j', 'issue', 'A-2', 'To Do', 'growth', TIMESTAMPTZ '2026-11-02')`,
				`INSERT INTO item_events VALUES ('e1', 'old', TIMESTAMPTZ '2026-10-11', 'j/7', 'status', 'status', 'To Do', 'In Progress', NULL, NULL)`,
				`INSERT INTO identities (identity_id, source, external_id, person_id) VALUES ('j/7', 'j', '7', 'p7')`,
				`INSERT INTO people (person_id) VALUES ('p7')`,
			} {
				if _, err := st.DB().Exec(q); err != nil {
					t.Fatalf("%v\n%s", err, q)
				}
			}
			before, err := st.WindowInputs(ctx, end)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.DB().Exec(tt.change); err != nil {
				t.Fatalf("%v\n%s", err, tt.change)
			}
			after, err := st.WindowInputs(ctx, end)
			if err != nil {
				t.Fatal(err)
			}
			if got := before != after; got != tt.changes {
				t.Errorf("fingerprint changed: %v, want %v", got, tt.changes)
			}
		})
	}
}
