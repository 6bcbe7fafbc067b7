package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// Derived is one derived fact shared by the modules and documented for ad
// hoc queries: a view (or, where recomputing it per query would be slow, a
// table rebuilt by every analyze) over the store's tables.
type Derived struct {
	Name    string   // v_... for documented views
	Doc     string   // one line: what a row means
	Columns []Column // each column with its meaning
	SQL     string   // the SELECT
	Table   bool     // materialise as a table instead of a view
	Dialect string   // Portable or DuckDBOnly
	// Order places it among the others: lower first, so a derived fact can
	// read those with a lower Order.
	Order int
}

var derived = map[string]Derived{}

// RegisterDerived adds a derived fact. The analysis's own are the files of
// sql/ (see sqlfiles.go); a module may add one from init.
func RegisterDerived(d Derived) {
	if _, dup := derived[d.Name]; dup {
		panic("analysis: derived fact registered twice: " + d.Name)
	}
	derived[d.Name] = d
}

// DerivedFacts returns the registered derived facts in creation order.
func DerivedFacts() []Derived {
	var ds []Derived
	for _, d := range derived {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].Order != ds[j].Order {
			return ds[i].Order < ds[j].Order
		}
		return ds[i].Name < ds[j].Name
	})
	return ds
}

// Prepare creates or refreshes every derived fact in db. The calendar
// macros it needs are created first (see calendar.go).
func Prepare(ctx context.Context, db *sql.DB, env *Env) error {
	for _, stmt := range preludeStatements(env) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("prepare: %w\n%s", err, stmt)
		}
	}
	for _, d := range DerivedFacts() {
		kind := "VIEW"
		if d.Table {
			kind = "TABLE"
		}
		if err := dropOtherKind(ctx, db, d); err != nil {
			return err
		}
		q := fmt.Sprintf("CREATE OR REPLACE %s %s AS %s", kind, d.Name, d.SQL)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("prepare %s: %w", d.Name, err)
		}
	}
	return nil
}

// dropOtherKind drops a view where d is now a table and the other way
// round: a database prepared by an earlier build may hold either, and
// CREATE OR REPLACE does not change an object's kind.
func dropOtherKind(ctx context.Context, db *sql.DB, d Derived) error {
	other, catalog := "TABLE", "duckdb_tables()"
	if d.Table {
		other, catalog = "VIEW", "duckdb_views()"
	}
	col := strings.ToLower(other) + "_name"
	var n int
	q := fmt.Sprintf("SELECT count(*) FROM %s WHERE %s = ? AND schema_name = 'main' AND NOT internal", catalog, col)
	if err := db.QueryRowContext(ctx, q, d.Name).Scan(&n); err != nil {
		return fmt.Errorf("prepare %s: %w", d.Name, err)
	}
	if n == 0 {
		return nil
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("DROP %s %s", other, d.Name)); err != nil {
		return fmt.Errorf("prepare %s: replace the %s of an earlier build: %w", d.Name, strings.ToLower(other), err)
	}
	return nil
}
