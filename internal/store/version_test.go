package store_test

import (
	"context"
	"testing"

	"github.com/systemic-dev/systemic/internal/store"
)

func TestDataVersionFollowsInputsOnly(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	version := func() string {
		t.Helper()
		v, err := st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	exec := func(q string) {
		t.Helper()
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	empty := version()
	exec(`INSERT INTO items (item_id, source, kind, key, status) VALUES ('j:1', 'j', 'issue', 'A-1', 'Open')`)
	added := version()
	if added == empty {
		t.Fatal("adding an item did not change the data version")
	}
	exec(`UPDATE items SET status = 'Done' WHERE item_id = 'j:1'`)
	if v := version(); v == added {
		t.Fatal("changing an item's status in place did not change the data version")
	}
	changed := version()
	exec(`INSERT INTO runs (run_id) VALUES ('r')`)
	exec(`INSERT INTO findings (run_id, pattern, severity) VALUES ('r', 'silo', 'info')`)
	if v := version(); v != changed {
		t.Fatal("writing analysis results changed the data version")
	}
}

// TestDataVersionFollowsStatusesAndOwnership: the stable derived tables
// read the status categories and a window's inputs read team ownership, so
// a change to either is a new data version.
func TestDataVersionFollowsStatusesAndOwnership(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, q := range []string{
		`INSERT INTO statuses VALUES ('jira', '1', 'To Do', 'new')`,
		`UPDATE statuses SET status_category = 'indeterminate'`,
		`INSERT INTO team_ownership VALUES ('t1', NULL, 'project', 'P1')`,
	} {
		before, err := st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
		after, err := st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after == before {
			t.Errorf("%s did not change the data version", q)
		}
	}
}
