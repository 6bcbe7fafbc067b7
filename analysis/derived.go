package analysis

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Derived is one derived fact shared by the modules and documented for ad
// hoc queries, read from its file in sql/ (see sql/README.md): a view (or, where recomputing it per query would be slow, a
// table rebuilt by every analyze) over the store's tables.
type Derived struct {
	Name    string   // v_... for documented views
	Doc     string   // one line: what a row means
	Columns []Column // each column with its meaning
	SQL     string   // the SELECT
	Table   bool     // materialise as a table instead of a view
	Dialect string   // Portable or DuckDBOnly
	// Stable marks a table that does not depend on the window or env_now():
	// Analyze rebuilds it only when the data or the config changed.
	Stable bool
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
// macros it needs are created first (see calendar.go). It rebuilds every
// table; Analyze keeps the stable ones built from the same data and config.
func Prepare(ctx context.Context, db *sql.DB, env *Env) error {
	return prepare(ctx, db, env, "")
}

// prepare is Prepare keeping each stable table that derived_builds says
// was built from the same data version, config and definitions; version ""
// rebuilds them all.
func prepare(ctx context.Context, db *sql.DB, env *Env, version string) error {
	stmts := preludeStatements(env)
	for _, stmt := range stmts {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("prepare: %w\n%s", err, stmt)
		}
	}
	if _, err := db.ExecContext(ctx, derivedBuildsTable); err != nil {
		return fmt.Errorf("prepare: record of derived builds: %w", err)
	}
	// No derived table promises an order (readers sort), and building
	// them without keeping insertion order takes less memory and time.
	// Their text is ids and short names, which dictionary compression
	// covers: trying FSST on every column of a million-row table costs
	// about a CPU-second per build and saves little space. Their doubles
	// are hours, which the float methods (ALP, Chimp, Patas) would shrink
	// by a few MB at 2M events for 0.3 s of a build from nothing: they are
	// left to the integer and dictionary methods too.
	for _, set := range []string{"SET preserve_insertion_order = false", "SET disabled_compression_methods = 'fsst,chimp,patas,alp,alprd'"} {
		if _, err := db.ExecContext(ctx, set); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
	}
	defer db.ExecContext(ctx, "RESET preserve_insertion_order")
	defer db.ExecContext(ctx, "RESET disabled_compression_methods")
	from := builtFrom(version, stmts)
	basis, rebuilt, err := upkeepFirst(ctx, db, env, stmts, version, from)
	if err != nil {
		return err
	}
	views := viewsState(stmts)
	keepViews, err := viewsCurrent(ctx, db, views)
	if err != nil {
		return err
	}
	current, err := builtTables(ctx, db, from)
	if err != nil {
		return err
	}
	for _, d := range DerivedFacts() {
		t0 := time.Now()
		kept := keepViews && !d.Table
		if !kept {
			if kept, err = prepareFact(ctx, db, d, version, from, current[d.Name]); err != nil {
				return err
			}
		}
		if err := env.observe.derived(ctx, db, d, t0, kept); err != nil {
			return err
		}
	}
	if !keepViews {
		if err := recordBuild(ctx, db, viewsMark, views); err != nil {
			return fmt.Errorf("prepare: record the views created: %w", err)
		}
	}
	if rebuilt {
		if err := recordItemInputs(ctx, db, basis); err != nil {
			return err
		}
	}
	if err := recordBuild(ctx, db, windowMark, windowState(version, stmts)); err != nil {
		return fmt.Errorf("prepare: record the window prepared: %w", err)
	}
	return nil
}

// derived_builds records, per stable table, what it was built from, and
// the marks of upkeep and of the window prepared.
const derivedBuildsTable = `CREATE TABLE IF NOT EXISTS derived_builds (
	name VARCHAR PRIMARY KEY, built_from VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL)`

// windowMark is the derived_builds row naming what the derived facts were
// last prepared for (windowState). The facts that depend on the window
// (env_now(), the views that read it, the tables built per analysis such
// as v_wip) hold the last window prepared, which a reused analysis does
// not change: readers of another window's facts prepare them again
// (Options.LeavePrepared).
const windowMark = "_window"

// viewsMark is the derived_builds row naming the definitions the derived
// views were last created from (viewsState). A view is bound when it is
// read, to the macros and tables of that moment, so a view whose SQL has
// not changed need not be created again for another window: the next
// window's env_now() and tables are what it reads. That saves the binding
// of a dozen views per window (a third of a small store's window). The
// other macros (the calendar, the states) count as part of the views'
// definitions, so a config change creates them again, as before.
const viewsMark = "_views"

// viewsState fingerprints the derived facts that are views (each name and
// SQL, in creation order) and the prelude's statements but env_now().
func viewsState(prelude []string) string {
	h := sha256.New()
	writePrelude(h, prelude, false)
	for _, d := range derivedViews() {
		fmt.Fprintln(h, d.Name, d.SQL)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// derivedViews are the derived facts that are views, in creation order.
func derivedViews() []Derived {
	var out []Derived
	for _, d := range DerivedFacts() {
		if !d.Table {
			out = append(out, d)
		}
	}
	return out
}

// viewsCurrent says whether every derived view exists in the store, as
// created from the definitions state names.
func viewsCurrent(ctx context.Context, db *sql.DB, state string) (bool, error) {
	got, ok, err := recordedBuild(ctx, db, viewsMark)
	if err != nil || !ok || got != state {
		return false, err
	}
	var names []string
	for _, d := range derivedViews() {
		names = append(names, d.Name)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views()
WHERE schema_name = 'main' AND NOT internal AND database_name = current_database() AND view_name IN (SELECT unnest(?::VARCHAR[]))`,
		names).Scan(&n); err != nil {
		return false, fmt.Errorf("prepare: read the views: %w", err)
	}
	return n == len(names), nil
}

// windowState names what prepare leaves the derived facts built for: the
// stable tables' inputs (builtFrom) and the as-of time (env_now()). ""
// (no version: Prepare) never matches.
func windowState(version string, prelude []string) string {
	from := builtFrom(version, prelude)
	if from == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintln(h, from)
	writePrelude(h, prelude, true)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// writePrelude writes into w, a line each, the prelude's statements that
// create env_now() (asOf), or all the others (the calendar, the states):
// what a window's as-of time changes, and what the config does.
func writePrelude(w io.Writer, prelude []string, asOf bool) {
	for _, s := range prelude {
		if strings.HasPrefix(s, nowMacroHead) == asOf {
			fmt.Fprintln(w, s)
		}
	}
}

// Analysed says whether the database's derived facts were prepared by an
// analysis (derived_builds names the window prepared), so that they can be
// built again from their inputs (WindowFacts). A file never analysed, or
// one from before that record, answers false.
func Analysed(ctx context.Context, db rowQuerier) (bool, error) {
	_, ok, err := windowPrepared(ctx, db)
	return ok, err
}

// preparedFor says whether the derived facts were last prepared for the
// window of env at the data version.
func preparedFor(ctx context.Context, db rowQuerier, env *Env, version string) (bool, error) {
	got, ok, err := windowPrepared(ctx, db)
	if err != nil || !ok {
		return false, err
	}
	want := windowState(version, preludeStatements(env))
	return want != "" && got == want, nil
}

// rowQuerier and execer are a database or a connection.
type (
	rowQuerier interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}
	execer interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}
)

// recordBuild writes the derived_builds row name: what it was built from.
func recordBuild(ctx context.Context, db execer, name, from string) error {
	_, err := db.ExecContext(ctx, `INSERT OR REPLACE INTO derived_builds VALUES (?, ?, now())`, name, from)
	return err
}

// recordedBuild reads the derived_builds row name; ok is false when there
// is none.
func recordedBuild(ctx context.Context, db rowQuerier, name string) (from string, ok bool, err error) {
	err = db.QueryRowContext(ctx, `SELECT built_from FROM derived_builds WHERE name = ?`, name).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return from, err == nil, err
}

// windowPrepared reads what the derived facts were last prepared for
// (windowMark); ok is false when no analysis recorded it.
func windowPrepared(ctx context.Context, db rowQuerier) (state string, ok bool, err error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
WHERE table_name = 'derived_builds' AND schema_name = 'main' AND database_name = current_database()`).Scan(&n); err != nil || n == 0 {
		return "", false, err
	}
	if state, ok, err = recordedBuild(ctx, db, windowMark); err != nil {
		return "", false, fmt.Errorf("prepare: read the window prepared: %w", err)
	}
	return state, ok, nil
}

// upkeepFirst brings the stable tables up to date per changed item when
// the data changed since they were built (see upkeep.go); rebuilt says
// they are to be built anew instead, and the items' inputs recorded after.
func upkeepFirst(ctx context.Context, db *sql.DB, env *Env, stmts []string, version, from string) (basis string, rebuilt bool, err error) {
	if version == "" {
		return "", false, nil
	}
	if n, err := stableBuilt(ctx, db, from); err != nil || n == len(stableFacts()) {
		return "", false, err
	}
	t0 := time.Now()
	if basis, err = upkeepBasis(ctx, db, stmts); err != nil {
		return "", false, err
	}
	n, ok, err := upkeep(ctx, db, basis, from)
	if err != nil {
		return "", false, err
	}
	if ok {
		env.observe.step(ctx, "item upkeep", StepUpkeep, t0, n)
	}
	return basis, !ok, nil
}

// prepareFact creates d, or keeps it (true) when it is a stable table
// derived_builds says was built from the same inputs (from): current.
func prepareFact(ctx context.Context, db *sql.DB, d Derived, version, from string, current bool) (bool, error) {
	if d.Stable && version != "" && current {
		return true, nil
	}
	if err := create(ctx, db, d); err != nil {
		return false, err
	}
	if !d.Stable {
		return false, nil
	}
	if err := recordBuild(ctx, db, d.Name, from); err != nil {
		return false, fmt.Errorf("prepare %s: record its build: %w", d.Name, err)
	}
	return false, nil
}

func create(ctx context.Context, db *sql.DB, d Derived) error {
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
	return nil
}

// builtFrom names what the stable tables are built from: the data
// version, the macros but env_now() (the calendar, the states) and every
// derived definition. "" (no version: always rebuild) never matches.
func builtFrom(version string, prelude []string) string {
	if version == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintln(h, version)
	writePrelude(h, prelude, false)
	for _, d := range DerivedFacts() {
		fmt.Fprintln(h, d.Name, d.Table, d.SQL)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// builtTables names the derived tables that exist and derived_builds says
// were built from from (from anything when from is ""), in one query for
// all.
func builtTables(ctx context.Context, db *sql.DB, from string) (map[string]bool, error) {
	out := map[string]bool{}
	err := queryEach(ctx, db, `SELECT b.name FROM derived_builds b
JOIN duckdb_tables() t ON t.table_name = b.name AND t.schema_name = 'main'
WHERE ? = '' OR b.built_from = ?`, []any{from, from}, func(scan func(...any) error) error {
		var name string
		if err := scan(&name); err != nil {
			return err
		}
		out[name] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("prepare: read the derived builds: %w", err)
	}
	return out, nil
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
