package query_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
)

func TestCheckReadOnly(t *testing.T) {
	tests := []struct {
		sql string
		ok  bool
	}{
		{"SELECT 1", true},
		{"  select * from v_items;  ", true},
		{"WITH x AS (SELECT 1) SELECT * FROM x", true},
		{"FROM v_items LIMIT 3", true},
		{"DESCRIBE v_items", true},
		{"SUMMARIZE items", true},
		{"EXPLAIN SELECT 1", true},
		{"(SELECT 1) UNION (SELECT 2)", true},
		{"SELECT 'DROP TABLE items; DELETE' AS s", true},
		{`SELECT "update", start FROM (SELECT 1 AS "update", 2 AS start)`, true},
		{"SELECT 1 -- ; DROP TABLE items", true},
		{"SELECT /* ; DROP */ 1", true},
		{"INSERT INTO teams VALUES ('x')", false},
		{"update items SET team = 'x'", false},
		{"DELETE FROM items", false},
		{"CREATE TABLE x AS SELECT 1", false},
		{"DROP VIEW v_items", false},
		{"ALTER TABLE items ADD COLUMN x INT", false},
		{"COPY items TO 'x.csv'", false},
		{"ATTACH 'other.duckdb'", false},
		{"INSTALL httpfs", false},
		{"LOAD httpfs", false},
		{"SET threads = 1", false},
		{"PRAGMA enable_profiling", false},
		{"EXPORT DATABASE 'dir'", false},
		{"SELECT 1; SELECT 2", false},
		{"SELECT 1; DROP TABLE items", false},
		{"EXPLAIN ANALYZE DELETE FROM items", false},
		{"WITH x AS (SELECT 1) DELETE FROM items", false},
		{"", false},
		{"-- only a comment", false},
		{"VACUUM", false},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			err := query.CheckReadOnly(tt.sql)
			if (err == nil) != tt.ok {
				t.Errorf("CheckReadOnly(%q) = %v, want ok=%v", tt.sql, err, tt.ok)
			}
			if err != nil && !errors.Is(err, query.ErrRefused) {
				t.Errorf("error %v is not ErrRefused", err)
			}
		})
	}
}

func TestRunSQLRefusesWrites(t *testing.T) {
	st, _ := fixture(t)
	ctx := context.Background()
	if _, err := query.RunSQL(ctx, st.DB(), "DELETE FROM items"); !errors.Is(err, query.ErrRefused) {
		t.Errorf("DELETE: %v, want refused", err)
	}
	// A write the guard lets through still meets the read-only handle.
	_, err := query.RunSQL(ctx, st.DB(), "SELECT * FROM (SELECT 1) WHERE nextval('no_such_seq') > 0")
	if err == nil {
		t.Error("nextval on a read-only database succeeded")
	}
	res, err := query.RunSQL(ctx, st.DB(), "SELECT count(*) AS n FROM v_items")
	if err != nil {
		t.Fatal(err)
	}
	if got := query.Text(res.Rows[0][0]); got != "4" {
		t.Errorf("count = %s, want 4", got)
	}
	_, err = query.RunSQL(ctx, st.DB(), "SELECT * FROM v_nothing_here")
	if err == nil || !strings.Contains(err.Error(), "there is no view v_nothing_here; 'systemic query --views' lists them") {
		t.Errorf("misspelled view: %v", err)
	}
}

func TestReadOnlyHandleMessage(t *testing.T) {
	st, _ := fixture(t)
	err := query.ExecForTest(context.Background(), st.DB(), "INSERT INTO teams VALUES ('x')")
	if !errors.Is(err, store.ErrReadOnly) {
		t.Fatalf("got %v, want store.ErrReadOnly", err)
	}
	want := "refused: a INSERT statement would change the database, and queries run read-only: database is open read-only"
	if err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", err, want)
	}
}
