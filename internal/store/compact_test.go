package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/store"
)

// TestCompact deletes rows spread over tables and checks
// which tables Compact rewrites, that each keeps exactly its rows, and
// that their space comes back at the next checkpoint.
func TestCompact(t *testing.T) {
	ctx := context.Background()
	st, path := openTemp(t)
	db := st.DB()
	exec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var setting string
	if err := db.QueryRowContext(ctx, "SELECT current_setting('max_vacuum_tasks')::VARCHAR").Scan(&setting); err != nil || setting != "0" {
		t.Fatalf("a writable store's checkpoints vacuum: max_vacuum_tasks = %q (%v), want 0", setting, err)
	}
	fill := "SELECT i AS k, 'row ' || i AS v, CASE WHEN i % 7 = 0 THEN NULL ELSE i / 3.0 END AS x FROM range(60000) r(i)"
	for _, q := range []string{
		"CREATE TABLE thinned AS " + fill,                             // 40% deleted: rewritten
		"CREATE TABLE keyed (k BIGINT PRIMARY KEY, v TEXT, x DOUBLE)", // 40% deleted, but keyed: left
		"INSERT INTO keyed " + fill,
		// 12,000 rows deleted, 10% of them: left
		"CREATE TABLE few AS " + strings.Replace(fill, "60000", "120000", 1),
		"CREATE TABLE emptied AS " + fill, // every row deleted: nothing to rewrite
		// a name a user or another tool could give, rewritten as any other
		`CREATE TABLE "odd ""name""; DROP TABLE items; --" AS ` + fill,
		"CHECKPOINT",
		"DELETE FROM thinned WHERE k % 5 < 2",
		"DELETE FROM keyed WHERE k % 5 < 2",
		"DELETE FROM few WHERE k % 10 = 0",
		"DELETE FROM emptied",
		`DELETE FROM "odd ""name""; DROP TABLE items; --" WHERE k % 2 = 0`,
		"CHECKPOINT",
	} {
		exec(q)
	}
	// what each table holds, in an order of its own
	holds := func(table string) (n int64, sum float64, text string) {
		t.Helper()
		if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(k + coalesce(x, 0)), 0),
	coalesce(md5(string_agg(v || ':' || coalesce(x::VARCHAR, '-'), ',' ORDER BY k)), '') FROM `+table).Scan(&n, &sum, &text); err != nil {
			t.Fatal(err)
		}
		return n, sum, text
	}
	stored := func(table string) (n int64) {
		t.Helper()
		if err := db.QueryRowContext(ctx, "SELECT estimated_size FROM duckdb_tables() WHERE table_name = ?", table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tables := []string{"thinned", "keyed", "few", "emptied"}
	before := map[string][3]any{}
	for _, table := range tables {
		n, sum, text := holds(table)
		before[table] = [3]any{n, sum, text}
	}
	// with vacuum off, the checkpoint left the deleted rows in place
	if got := stored("thinned"); got != 60000 {
		t.Fatalf("thinned stores %d rows after its checkpoint, want the 60000 with the deleted ones", got)
	}

	done, err := st.Compact(ctx)
	if err != nil {
		t.Fatal(err)
	}
	odd := `odd "name"; DROP TABLE items; --`
	if !slices.Equal(done, []string{odd, "thinned"}) {
		t.Fatalf("Compact rewrote %v, want [%s thinned]", done, odd)
	}
	var items int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'items'").Scan(&items); err != nil || items != 1 {
		t.Errorf("the items table is gone after compacting %s (%v)", odd, err)
	}
	exec("CHECKPOINT")
	for _, table := range tables {
		n, sum, text := holds(table)
		if got := [3]any{n, sum, text}; got != before[table] {
			t.Errorf("%s holds %v after Compact, want %v", table, got, before[table])
		}
	}
	if got := stored(odd); got != 30000 {
		t.Errorf("%s stores %d rows after Compact and a checkpoint, want its 30000", odd, got)
	}
	if got := stored("thinned"); got != 36000 {
		t.Errorf("thinned stores %d rows after Compact and a checkpoint, want its 36000", got)
	}
	if got := stored("emptied"); got != 0 {
		t.Errorf("emptied stores %d rows, want 0: a checkpoint drops row groups with no row left", got)
	}

	// nothing left to do the second time
	if done, err := st.Compact(ctx); err != nil || len(done) != 0 {
		t.Errorf("second Compact rewrote %v (%v), want nothing", done, err)
	}
	st.Close()
	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if done, err := ro.Compact(ctx); err != nil || len(done) != 0 {
		t.Errorf("Compact on a read-only store: %v, %v; want nothing", done, err)
	}
}
