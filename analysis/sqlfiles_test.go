package analysis_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/export"
)

// TestDerivedColumnsDocumented checks each sql/ file's column lines name
// exactly the columns, in order, that DuckDB gives its view or table.
func TestDerivedColumnsDocumented(t *testing.T) {
	st := benchStore(t, 0.005)
	end := benchStart.AddDate(1, 0, 0)
	env := analysis.Env{From: end.AddDate(0, 0, -90), To: end, Now: end, Calendar: config.Calendar{Timezone: "UTC"}}
	if err := analysis.Prepare(context.Background(), st.DB(), &env); err != nil {
		t.Fatal(err)
	}
	for _, d := range analysis.DerivedFacts() {
		var documented []string
		for _, c := range d.Columns {
			documented = append(documented, c.Name)
		}
		got := columnNames(t, st.DB(), d.Name)
		if strings.Join(got, " ") != strings.Join(documented, " ") {
			t.Errorf("sql/%s.sql documents columns\n  %v\nbut the %s has\n  %v", d.Name, documented, d.Name, got)
		}
	}
}

func columnNames(t *testing.T, db *sql.DB, name string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'main'
	AND table_name = ? ORDER BY ordinal_position`, name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	return cols
}

// TestPortableViewsOnParquet runs the views marked portable over a Parquet
// export of an analysed store, each exported table read as a base table by
// a fresh DuckDB with none of the prelude's macros, and checks they hold
// the same rows as in the store.
func TestPortableViewsOnParquet(t *testing.T) {
	ctx := context.Background()
	st := benchStore(t, 0.005)
	end := benchStart.AddDate(1, 0, 0)
	env := analysis.Env{From: end.AddDate(0, 0, -90), To: end, Now: end, Calendar: config.Calendar{Timezone: "UTC"}}
	if _, err := analysis.Analyze(ctx, st, analysis.Options{Env: env}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m, err := export.Parquet(ctx, st.DB(), dir, end, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, tb := range m.Tables {
		glob := filepath.Join(dir, tb.Path, "**", "*.parquet")
		if len(tb.PartitionedBy) == 0 {
			glob = filepath.Join(dir, tb.Path, "*.parquet")
		}
		q := fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet('%s', hive_partitioning = %v)", tb.Name, glob, len(tb.PartitionedBy) > 0)
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	portable := 0
	for _, d := range analysis.DerivedFacts() {
		if d.Dialect != analysis.Portable {
			continue
		}
		portable++
		if _, err := db.Exec("CREATE OR REPLACE VIEW " + d.Name + " AS " + d.SQL); err != nil {
			t.Fatalf("portable view %s does not run on the export: %v", d.Name, err)
		}
		want, got := viewDigest(t, st.DB(), d.Name), viewDigest(t, db, d.Name)
		if got != want {
			t.Errorf("%s on the export: %s, in the store: %s", d.Name, got, want)
		}
	}
	if portable < 4 {
		t.Errorf("%d views marked portable, want at least the 4 base ones", portable)
	}
}

// viewDigest is a view's row count and an order-free digest of its rows'
// text.
func viewDigest(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var n int64
	var h sql.NullString
	q := fmt.Sprintf("SELECT count(*), sum(hash(CAST(x AS TEXT)) %% 1000000007)::TEXT FROM %s x", name)
	if err := db.QueryRow(q).Scan(&n, &h); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fmt.Sprintf("%d rows, digest %s", n, h.String)
}

// TestStableTablesFollowInputs checks a stable table is kept while the data
// and config are unchanged and rebuilt when either changes.
func TestStableTablesFollowInputs(t *testing.T) {
	ctx := context.Background()
	st := benchStore(t, 0.002)
	end := benchStart.AddDate(1, 0, 0)
	opts := analysis.Options{Env: analysis.Env{From: end.AddDate(0, 0, -90), To: end, Now: end,
		Calendar: config.Calendar{Timezone: "UTC"}}}
	built := func() (rows int, from string) {
		t.Helper()
		if _, err := analysis.Analyze(ctx, st, opts); err != nil {
			t.Fatal(err)
		}
		if err := st.DB().QueryRow(`SELECT (SELECT count(*) FROM v_status_intervals_stable),
	(SELECT built_from FROM derived_builds WHERE name = 'v_status_intervals_stable')`).Scan(&rows, &from); err != nil {
			t.Fatal(err)
		}
		return rows, from
	}
	rows0, from0 := built()
	if rows, from := built(); rows != rows0 || from != from0 {
		t.Errorf("unchanged inputs: %d rows built from %s, then %d from %s", rows0, from0, rows, from)
	}
	if _, err := st.DB().Exec(`INSERT INTO item_events SELECT 'jira:new', 'jira:0', TIMESTAMPTZ '2026-01-05 10:00:00+00',
	NULL, 'status', NULL, 'In Progress', 'Done', NULL, NULL`); err != nil {
		t.Fatal(err)
	}
	rows1, from1 := built()
	if rows1 != rows0+1 || from1 == from0 {
		t.Errorf("after a new status change: %d rows (want %d) built from %s (was %s)", rows1, rows0+1, from1, from0)
	}
	opts.Env.Calendar.Timezone = "Europe/Berlin"
	if _, from2 := built(); from2 == from1 {
		t.Errorf("another calendar kept the build of the old one (%s)", from2)
	}
}
