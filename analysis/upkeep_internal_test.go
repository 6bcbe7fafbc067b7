package analysis

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// TestUpkeepRowsKeepsDuplicates: upkeepRows writes only the difference and
// pairs equal rows one to one, so an item whose definition yields the
// same row twice, then three times, then once, ends with exactly that
// many, and the unchanged item keeps its stored rows untouched.
func TestUpkeepRowsKeepsDuplicates(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string) error {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
		return nil
	}
	must := func(q string) {
		t.Helper()
		if err := exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// each item yields its priority's count of equal rows
	d := Derived{Name: "dup_rows", SQL: `SELECT i.item_id, 'x' AS v FROM items i, range(CAST(i.priority AS BIGINT)) r(n)`}
	must(`INSERT INTO items (item_id, source, kind, key, priority) VALUES ('a', 'j', 'issue', 'A-1', '2'), ('b', 'j', 'issue', 'B-1', '2')`)
	must("CREATE TABLE dup_rows AS " + d.SQL)
	// upkeepOn's table of who is who, which narrowing puts behind v_identity: dup_rows names no one
	must("CREATE TEMP TABLE upkeep_identity AS SELECT NULL::VARCHAR AS identity_id")
	var db string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	count := func(item string) (n int, firstRow int64) {
		t.Helper()
		if err := conn.QueryRowContext(ctx, `SELECT count(*), coalesce(min(rowid), -1) FROM dup_rows WHERE item_id = ?`, item).Scan(&n, &firstRow); err != nil {
			t.Fatal(err)
		}
		return n, firstRow
	}
	_, bFirst := count("b")
	for _, want := range []int{3, 1, 1, 0} {
		if want > 0 {
			must(fmt.Sprintf(`UPDATE items SET priority = '%d' WHERE item_id = 'a'`, want))
		} else {
			must(`DELETE FROM items WHERE item_id = 'a'`)
		}
		must(`CREATE OR REPLACE TEMP TABLE upkeep_items AS SELECT 'a' AS item_id`)
		for _, r := range itemReads() {
			must(fmt.Sprintf("CREATE OR REPLACE TEMP TABLE upkeep_rows_%s AS SELECT * FROM %s WHERE item_id = 'a'", r[0], r[0]))
		}
		if err := upkeepRows(ctx, conn, db, d, exec); err != nil {
			t.Fatal(err)
		}
		if got, _ := count("a"); got != want {
			t.Errorf("priority %d: item a has %d rows", want, got)
		}
		if got, first := count("b"); got != 2 || first != bFirst {
			t.Errorf("the unchanged item b has %d rows from row %d, want 2 from row %d", got, first, bFirst)
		}
	}
}

// TestUpkeepFailureKeepsTables: an upkeep that fails part way (here the
// last table's definition raises an error, after every other table was
// brought up to date) leaves the stable tables and the record of the
// items' inputs as they were, and the next analysis keeps them up.
func TestUpkeepFailureKeepsTables(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := benchstore.Fill(ctx, st.DB(), 0.01); err != nil {
		t.Fatal(err)
	}
	end := benchstore.Start.AddDate(1, 0, 0)
	opts := Options{Env: Env{From: end.AddDate(0, 0, -90), To: end, Now: end, Calendar: config.Calendar{Timezone: "UTC"}}}
	if _, err := Analyze(ctx, st, opts); err != nil {
		t.Fatal(err)
	}
	if err := benchstore.Sync(ctx, st.DB(), 1, end.AddDate(0, 0, -30), end, true); err != nil {
		t.Fatal(err)
	}
	kept := []string{"derived_item_inputs", "derived_builds"}
	for _, d := range stableFacts() {
		kept = append(kept, d.Name)
	}
	before, err := store.TablesVersion(ctx, st.DB(), kept...)
	if err != nil {
		t.Fatal(err)
	}
	failing := Derived{Name: "v_fails", SQL: `SELECT item_id, error('disk full') AS x FROM items`}
	if _, err := st.DB().Exec(`CREATE TABLE v_fails (item_id VARCHAR, x VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	var basis string
	if err := st.DB().QueryRow(`SELECT built_from FROM derived_builds WHERE name = ?`, upkeepMark).Scan(&basis); err != nil {
		t.Fatal(err)
	}
	n, _, err := upkeepOf(ctx, st.DB(), basis, "after the sync", append(stableFacts(), failing))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("upkeep with a failing definition: %d items, error %v", n, err)
	}
	after, err := store.TablesVersion(ctx, st.DB(), kept...)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Error("a failed upkeep changed the stable tables or the record of what they were built from")
	}
	var tm Timings
	opts.Timings = &tm
	if _, err := Analyze(ctx, st, opts); err != nil {
		t.Fatal(err)
	}
	upkept := false
	for _, s := range tm.Steps {
		upkept = upkept || s.Kind == StepUpkeep
	}
	if !upkept {
		t.Error("the analysis after the failed upkeep rebuilt the stable tables instead of keeping them up")
	}
}

// TestTeamReaders: the stable tables that read who is in which team are
// the pull-request ones, and a table reading a team reader is one too.
func TestTeamReaders(t *testing.T) {
	stable := append(stableFacts(), Derived{Name: "v_on_pr_phases", SQL: "SELECT * FROM v_pr_phases"})
	got := teamReaders(stable)
	for name, want := range map[string]bool{"v_pr_phases": true, "v_review_waits_stable": true, "v_on_pr_phases": true,
		"v_status_intervals_stable": false, "v_wip_spans": false, "v_bounces": false} {
		if got[name] != want {
			t.Errorf("%s reads teams: %v, want %v", name, got[name], want)
		}
	}
}
