package analysis

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/systemic-dev/systemic/internal/store"
)

// Per-item upkeep of the stable tables. After a sync that touched some
// items, rebuilding every stable table costs seconds at a few million
// events; their rows depend on one item's own rows (and on the small
// tables of people, teams and statuses), so only the rows of the items the
// sync changed are built again, and of those only the rows that differ
// are written (upkeepRows), in one transaction. What each item was built
// from is kept in derived_item_inputs: a hash of its rows (itemInputsSQL).
//
// Two tables reach across items and get their own scope:
//   - v_blocked_stable reads the blocker's status and key: an item blocked
//     by a changed item is built again too (blocks links, one hop, which
//     is all a row reads);
//   - v_wip_days_stable counts a person's issues per day, and each issue
//     adds one to the days it covers: the changed items' counts before the
//     sync are taken away and their counts after it added.
//
// A changed identity (a new one, one merged into another person, one whose
// person became a bot) builds again the items that name it
// (identityItemsSQL). A change to teams, memberships or ownership rebuilds
// whole only the tables that read them (teamReaders). Anything else that
// changes (statuses, the calendar and state config, a definition)
// rebuilds every stable table, as does a sync that touched more than a
// quarter of the items.

// itemInputsSQL fingerprints every item: its row and its rows in the
// tables the stable tables read per item. Links count for both ends. The
// item's columns no analysis reads (store.ItemColumnsUnread: updated_at,
// title, priority...) and its events of kinds no stable table reads (a
// comment, a rank, a description edit: the stable tables read the
// interval kinds, store.IntervalEventKinds) are left out, as a tracker
// records them all the time and they would build the item again
// everywhere for nothing.
var itemInputsSQL = `SELECT item_id, sum(h) AS fp FROM (
	SELECT item_id, hash(x) AS h FROM ` + store.ItemsAsRead + ` x
	UNION ALL SELECT item_id, hash(x) FROM item_events x WHERE kind IN ` + store.IntervalKindsSQL + `
	UNION ALL SELECT item_id, hash(x) FROM pull_requests x
	UNION ALL SELECT item_id, hash(x) FROM reviews x
	UNION ALL SELECT item_id, hash(x) FROM review_requests x
	UNION ALL SELECT from_item, hash(x) FROM links x
	UNION ALL SELECT to_item, hash(x) FROM links x)
GROUP BY item_id`

// identityInputsSQL fingerprints every identity as the stable tables read
// it (v_identity): its row and its person's row.
const identityInputsSQL = `SELECT i.identity_id, hash(i, p) AS fp FROM identities i LEFT JOIN people p ON p.person_id = i.person_id`

// identityItemsSQL lists the items whose rows name an identity of
// upkeep_identities, through every column the stable tables read one by
// (store.IdentityRefsSQL, which also dates who is who in window inputs).
var identityItemsSQL = `SELECT DISTINCT item_id FROM (` + store.IdentityRefsSQL + `)
WHERE id IN (SELECT id FROM upkeep_identities)`

// sharedInputs are the tables every item's stable rows may read whole:
// a change to them rebuilds the stable tables. Identities and people are
// kept up per item instead (identityItemsSQL), and who is in which team
// rebuilds only the tables that read it (teamInputs).
var sharedInputs = []string{"statuses"}

// teamInputs say who is in which team and which team owns what. A change
// to them rebuilds whole the stable tables that read them (teamReaders);
// the others are kept up per item as usual.
var teamInputs = []string{"teams", "team_members", "team_ownership"}

// upkeepTeamsMark is the derived_builds row holding the version of
// teamInputs the team readers were built from.
const upkeepTeamsMark = "_item_upkeep_teams"

// teamReaders names the stable tables whose definition reads who is in
// which team: directly, through team_at() or v_people, or through another
// team reader.
func teamReaders(stable []Derived) map[string]bool {
	return readers(stable, []string{"team_at(", "team_members", "team_ownership", "v_people", "teams"})
}

// readers names the facts whose definition mentions one of markers or
// another fact so named. It goes by the definitions' text, so a mention in
// a comment (or in a longer name) only adds a reader.
func readers(facts []Derived, markers []string) map[string]bool {
	out := map[string]bool{}
	for grew := true; grew; {
		grew = false
		for _, d := range facts {
			if out[d.Name] {
				continue
			}
			for _, m := range markers {
				if strings.Contains(d.SQL, m) {
					out[d.Name], grew = true, true
					markers = append(markers, d.Name)
					break
				}
			}
		}
	}
	return out
}

// upkeepAdditive names the stable tables not kept per item whose column
// items adds up over items, with their key columns: their upkeep
// subtracts the changed items' old counts and adds their new ones.
var upkeepAdditive = map[string]string{"v_wip_days_stable": "person, day"}

// upkeepMark is the derived_builds row saying what the per-item record was
// made with: the definitions and macros, and the shared inputs.
const upkeepMark = "_item_upkeep"

// upkeepBasis fingerprints what per-item upkeep takes as unchanged: every
// statement of the prelude but env_now(), every definition, and the
// shared inputs' rows.
func upkeepBasis(ctx context.Context, db *sql.DB, prelude []string) (string, error) {
	shared, err := store.TablesVersion(ctx, db, sharedInputs...)
	if err != nil {
		return "", fmt.Errorf("prepare: shared inputs: %w", err)
	}
	h := sha256.New()
	fmt.Fprintln(h, builtFrom("definitions", prelude), shared)
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// recordItemInputs keeps what the stable tables were just built from.
func recordItemInputs(ctx context.Context, db *sql.DB, basis string) error {
	for _, q := range []string{
		"CREATE OR REPLACE TABLE derived_item_inputs AS " + itemInputsSQL,
		"CREATE OR REPLACE TABLE derived_identity_inputs AS " + identityInputsSQL,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("prepare: record the items' inputs: %w", err)
		}
	}
	if err := recordBuild(ctx, db, upkeepMark, basis); err != nil {
		return fmt.Errorf("prepare: record the items' inputs: %w", err)
	}
	return recordTeams(ctx, db)
}

// recordTeams keeps the version of teamInputs the team readers were just
// built from.
func recordTeams(ctx context.Context, db *sql.DB) error {
	teams, err := store.TablesVersion(ctx, db, teamInputs...)
	if err != nil {
		return fmt.Errorf("prepare: teams: %w", err)
	}
	if err := recordBuild(ctx, db, upkeepTeamsMark, teams); err != nil {
		return fmt.Errorf("prepare: record the teams: %w", err)
	}
	return nil
}

// upkeep brings every stable table up to date for the items changed, or
// naming an identity changed, since derived_item_inputs and
// derived_identity_inputs were recorded, and records the new state (stable
// tables then count as built from from). It returns the number of items
// built again, or ok false when upkeep does not apply and every stable
// table is to be rebuilt.
func upkeep(ctx context.Context, db *sql.DB, basis, from string) (n int, ok bool, err error) {
	return upkeepOf(ctx, db, basis, from, stableFacts())
}

// upkeepOf is upkeep of the stable tables listed.
func upkeepOf(ctx context.Context, db *sql.DB, basis, from string, stable []Derived) (n int, ok bool, err error) {
	if have, err := stableBuilt(ctx, db, ""); err != nil || have < len(stableFacts()) {
		return 0, false, err
	}
	var mark string
	err = db.QueryRowContext(ctx, `SELECT built_from FROM derived_builds WHERE name = ?
AND (SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('derived_item_inputs', 'derived_identity_inputs')
	AND schema_name = 'main') = 2`, upkeepMark).Scan(&mark)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && mark != basis) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("prepare: read the items' inputs: %w", err)
	}
	teams, err := store.TablesVersion(ctx, db, teamInputs...)
	if err != nil {
		return 0, false, fmt.Errorf("prepare: teams: %w", err)
	}
	teamsMark, _, err := recordedBuild(ctx, db, upkeepTeamsMark)
	if err != nil {
		return 0, false, fmt.Errorf("prepare: read the teams' record: %w", err)
	}
	rebuild := map[string]bool{} // tables rebuilt whole rather than per item
	if teamsMark != teams {
		rebuild = teamReaders(stable)
	}
	// A connection of its own: the narrowing views of withViews must never
	// serve another query, so the connection is discarded after.
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("prepare: %w", err)
	}
	defer conn.Close()
	defer conn.Raw(func(any) error { return driver.ErrBadConn })
	// One transaction: a failure leaves the tables as they were.
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return 0, false, fmt.Errorf("prepare: item upkeep: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(ctx, "ROLLBACK")
		}
	}()
	n, ok, err = upkeepOn(ctx, conn, stable, rebuild)
	if err != nil || !ok {
		return n, ok, err
	}
	for _, d := range stable {
		if err := recordBuild(ctx, conn, d.Name, from); err != nil {
			return 0, false, fmt.Errorf("prepare %s: record its build: %w", d.Name, err)
		}
	}
	if err := recordBuild(ctx, conn, upkeepTeamsMark, teams); err != nil {
		return 0, false, fmt.Errorf("prepare: record the teams: %w", err)
	}
	for _, q := range []string{
		"CREATE OR REPLACE TABLE derived_item_inputs AS SELECT * FROM upkeep_inputs",
		"CREATE OR REPLACE TABLE derived_identity_inputs AS SELECT * FROM upkeep_identity_inputs",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return 0, false, fmt.Errorf("prepare: record the items' inputs: %w", err)
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return 0, false, fmt.Errorf("prepare: item upkeep: %w", err)
	}
	committed = true
	return n, true, nil
}

// upkeepOn keeps the stable tables up per changed item, and rebuilds whole
// the tables rebuild names.
func upkeepOn(ctx context.Context, conn *sql.Conn, stable []Derived, rebuild map[string]bool) (int, bool, error) {
	exec := func(q string) error {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("prepare: item upkeep: %w\n%s", err, q)
		}
		return nil
	}
	var db string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&db); err != nil {
		return 0, false, fmt.Errorf("prepare: %w", err)
	}
	for _, q := range []string{
		"CREATE OR REPLACE TEMP TABLE upkeep_inputs AS " + itemInputsSQL,
		`CREATE OR REPLACE TEMP TABLE upkeep_items AS SELECT coalesce(a.item_id, b.item_id) AS item_id
FROM derived_item_inputs a FULL JOIN upkeep_inputs b USING (item_id) WHERE a.fp IS DISTINCT FROM b.fp`,
		// the items that name an identity whose row or person changed
		"CREATE OR REPLACE TEMP TABLE upkeep_identity_inputs AS " + identityInputsSQL,
		`CREATE OR REPLACE TEMP TABLE upkeep_identities AS SELECT coalesce(a.identity_id, b.identity_id) AS id
FROM derived_identity_inputs a FULL JOIN upkeep_identity_inputs b USING (identity_id) WHERE a.fp IS DISTINCT FROM b.fp`,
	} {
		if err := exec(q); err != nil {
			return 0, false, err
		}
	}
	var identities int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM upkeep_identities`).Scan(&identities); err != nil {
		return 0, false, fmt.Errorf("prepare: %w", err)
	}
	if identities > 0 {
		if err := exec(`INSERT INTO upkeep_items SELECT item_id FROM (` + identityItemsSQL + `)
WHERE item_id NOT IN (SELECT item_id FROM upkeep_items)`); err != nil {
			return 0, false, err
		}
	}
	if err := exec(`INSERT INTO upkeep_items SELECT DISTINCT l.to_item FROM links l
WHERE l.type = 'blocks' AND l.from_item IN (SELECT item_id FROM upkeep_items)
AND l.to_item NOT IN (SELECT item_id FROM upkeep_items)`); err != nil {
		return 0, false, err
	}
	var changed, all int
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM upkeep_items), (SELECT count(*) FROM upkeep_inputs)`).
		Scan(&changed, &all); err != nil {
		return 0, false, fmt.Errorf("prepare: %w", err)
	}
	if changed*4 > all {
		return 0, false, nil
	}
	// The changed items' rows of the store's per-item tables, read once.
	for _, r := range itemReads() {
		if err := exec(fmt.Sprintf("CREATE OR REPLACE TEMP TABLE upkeep_rows_%s AS SELECT * FROM %s.main.%s WHERE item_id IN (SELECT item_id FROM upkeep_items)",
			r[0], store.QuoteIdent(db), r[0])); err != nil {
			return 0, false, err
		}
	}
	// Who is who, as a table: behind the narrowing views DuckDB cannot
	// tell the view's thousand rows from the changed items' events and
	// hashed the events to probe it with the identities.
	if err := exec("CREATE OR REPLACE TEMP TABLE upkeep_identity AS SELECT * FROM v_identity"); err != nil {
		return 0, false, err
	}
	// The changed items' stretches before the sync, for the counts they
	// leave (upkeepAdditive).
	if err := exec("CREATE OR REPLACE TEMP TABLE upkeep_spans_before AS SELECT * FROM v_wip_spans WHERE item_id IN (SELECT item_id FROM upkeep_items)"); err != nil {
		return 0, false, err
	}
	for _, d := range stable {
		if rebuild[d.Name] {
			if err := exec(fmt.Sprintf("DELETE FROM %[1]s; INSERT INTO %[1]s SELECT * FROM (%[2]s)", store.QuoteIdent(db)+".main."+store.QuoteIdent(d.Name), d.SQL)); err != nil {
				return 0, false, err
			}
			continue
		}
		if keys, ok := upkeepAdditive[d.Name]; ok {
			if err := upkeepSums(ctx, conn, db, d, keys, exec); err != nil {
				return 0, false, err
			}
			continue
		}
		if err := upkeepRows(ctx, conn, db, d, exec); err != nil {
			return 0, false, err
		}
	}
	return changed, true, nil
}

// upkeepRows builds the changed items' rows of d again and writes only the
// difference: their stored rows that the new build does not yield are
// deleted, and the new rows not stored yet inserted. A sync that adds an
// event at the end of an item's history changes one or two of its rows,
// not all of them, so the table keeps its other rows where they are (no
// rewrite of their row groups, no deleted rows left behind). Rows are
// matched by item and a hash of the whole row, counted: a row stored twice
// and built three times gets one more copy, so duplicates are kept as
// built. Two different rows of one item with the same 64-bit hash would
// be taken for one; at a few dozen rows an item that is a chance of about
// 1 in 10^16.
func upkeepRows(ctx context.Context, conn *sql.Conn, db string, d Derived, exec func(string) error) error {
	table := store.QuoteIdent(db) + ".main." + store.QuoteIdent(d.Name)
	in := "item_id IN (SELECT item_id FROM upkeep_items)"
	// the stored table's own column types, so equal rows hash equal
	if err := exec(fmt.Sprintf("CREATE OR REPLACE TEMP TABLE upkeep_new AS SELECT * FROM %s LIMIT 0", table)); err != nil {
		return err
	}
	if err := withViews(ctx, conn, d.Name, narrowing(db, d.Name), func() error {
		return exec(fmt.Sprintf("INSERT INTO upkeep_new SELECT * FROM (%s) WHERE %s", d.SQL, in))
	}); err != nil {
		return err
	}
	for _, q := range []string{
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE upkeep_diff AS
WITH stored AS MATERIALIZED (SELECT rowid AS rid, item_id, hash(t) AS h FROM %[1]s t WHERE %[2]s),
built AS MATERIALIZED (SELECT rowid AS rid, item_id, hash(t) AS h FROM upkeep_new t),
counts AS (
	-- per item and row hash, how many times the row is stored and built,
	-- where the two differ
	SELECT item_id, h, count(*) FILTER (WHERE is_stored) AS n_stored, count(*) FILTER (WHERE NOT is_stored) AS n_built
	FROM (SELECT item_id, h, true AS is_stored FROM stored UNION ALL SELECT item_id, h, false FROM built)
	GROUP BY ALL HAVING n_stored <> n_built)
SELECT true AS gone, rid FROM (
	SELECT s.rid, c.n_built, row_number() OVER (PARTITION BY s.item_id, s.h ORDER BY s.rid) AS k
	FROM stored s JOIN counts c USING (item_id, h) WHERE c.n_stored > c.n_built)
WHERE k > n_built
UNION ALL
SELECT false, rid FROM (
	SELECT b.rid, c.n_stored, row_number() OVER (PARTITION BY b.item_id, b.h ORDER BY b.rid) AS k
	FROM built b JOIN counts c USING (item_id, h) WHERE c.n_built > c.n_stored)
WHERE k > n_stored`, table, in),
		fmt.Sprintf("DELETE FROM %s WHERE rowid IN (SELECT rid FROM upkeep_diff WHERE gone)", table),
		fmt.Sprintf("INSERT INTO %s SELECT * FROM upkeep_new WHERE rowid IN (SELECT rid FROM upkeep_diff WHERE NOT gone)", table),
	} {
		if err := exec(q); err != nil {
			return err
		}
	}
	return nil
}

// upkeepReads lists, per stable table, the relations it reads that its
// upkeep narrows (by the column and list named) to what the changed rows
// need. A relation read whole is only a cost: rows a definition yields for
// other items are dropped. Most tables read only their own item's rows
// (itemReads); v_blocked_stable reads the blocker's row and status too, so
// only its events are narrowed.
var upkeepReads = map[string][][3]string{
	"v_blocked_stable":  {{"item_events", "item_id", "upkeep_items"}},
	"v_bounces":         append(itemReads(), [3]string{"v_status_intervals_stable", "item_id", "upkeep_items"}),
	"v_item_firsts":     {{"v_status_intervals_stable", "item_id", "upkeep_items"}},
	"v_wip_spans":       append(itemReads(), [3]string{"v_status_intervals_stable", "item_id", "upkeep_items"}),
	"v_wip_ranges":      {{"v_wip_spans", "item_id", "upkeep_items"}},
	"v_wip_days_stable": {{"v_wip_spans", "item_id", "upkeep_items"}},
}

// isItemTable says whether t is one of the store's per-item tables.
func isItemTable(t string) bool {
	for _, r := range itemReads() {
		if r[0] == t {
			return true
		}
	}
	return false
}

// itemReads are the store's per-item tables narrowed to the changed items.
func itemReads() [][3]string {
	var out [][3]string
	for _, t := range []string{"items", "item_events", "pull_requests", "reviews", "review_requests"} {
		out = append(out, [3]string{t, "item_id", "upkeep_items"})
	}
	return out
}

// narrowing lists the temporary views that narrow what table's
// definition reads (upkeepReads, else itemReads), each a name and its
// SELECT: name resolution finds a temporary view before the store's table.
// v_identity is read from upkeep_identity, the same rows as a table.
func narrowing(db, table string) [][2]string {
	reads, ok := upkeepReads[table]
	if !ok {
		reads = itemReads()
	}
	var views [][2]string
	for _, r := range reads {
		// rowid too: definitions partition on a table's integer row id
		sel := fmt.Sprintf("SELECT *, rowid AS rowid FROM %s.main.%s WHERE %s IN (SELECT %s FROM %s)",
			store.QuoteIdent(db), r[0], r[1], r[1], r[2])
		if r[1] == "item_id" && r[2] == "upkeep_items" && isItemTable(r[0]) {
			sel = fmt.Sprintf("SELECT *, rowid AS rowid FROM upkeep_rows_%s", r[0])
		}
		views = append(views, [2]string{r[0], sel})
	}
	return append(views, [2]string{"v_identity", "SELECT * FROM upkeep_identity"})
}

// withViews runs build with the temporary views in front of the store's
// relations of their names, and drops them after.
func withViews(ctx context.Context, conn *sql.Conn, table string, views [][2]string, build func() error) error {
	for _, v := range views {
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP VIEW "+v[0]+" AS "+v[1]); err != nil {
			return fmt.Errorf("prepare %s: item upkeep: %w", table, err)
		}
	}
	err := build()
	for _, v := range views {
		if _, dropErr := conn.ExecContext(ctx, "DROP VIEW IF EXISTS temp.main."+v[0]); dropErr != nil && err == nil {
			err = fmt.Errorf("prepare %s: item upkeep: %w", table, dropErr)
		}
	}
	return err
}

// upkeepSums keeps up an additive table (upkeepAdditive): its definition
// over the changed items' stretches before the sync and after it gives the
// counts they leave and bring; each touched key's count changes by the
// difference, and a key left at 0 has no row.
func upkeepSums(ctx context.Context, conn *sql.Conn, db string, d Derived, keys string, exec func(string) error) error {
	before := [][2]string{{"v_wip_spans", "SELECT * FROM upkeep_spans_before"}}
	if err := withViews(ctx, conn, d.Name, before, func() error {
		return exec("CREATE OR REPLACE TEMP TABLE upkeep_sums_before AS " + d.SQL)
	}); err != nil {
		return err
	}
	if err := withViews(ctx, conn, d.Name, narrowing(db, d.Name), func() error {
		return exec("CREATE OR REPLACE TEMP TABLE upkeep_sums_after AS " + d.SQL)
	}); err != nil {
		return err
	}
	var on []string
	for _, k := range strings.Split(strings.ReplaceAll(keys, " ", ""), ",") {
		on = append(on, fmt.Sprintf("t.%s = u.%s", k, k))
	}
	for _, q := range []string{
		fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE upkeep_sums AS SELECT %[1]s, CAST(sum(items) AS BIGINT) AS items FROM (
	SELECT t.* FROM %[2]s t SEMI JOIN (SELECT %[1]s FROM upkeep_sums_before UNION SELECT %[1]s FROM upkeep_sums_after) k USING (%[1]s)
	UNION ALL SELECT %[1]s, -items FROM upkeep_sums_before
	UNION ALL SELECT %[1]s, items FROM upkeep_sums_after)
GROUP BY %[1]s`, keys, d.Name),
		fmt.Sprintf("DELETE FROM %s t USING upkeep_sums u WHERE %s", d.Name, strings.Join(on, " AND ")),
		fmt.Sprintf("INSERT INTO %s SELECT * FROM upkeep_sums WHERE items > 0", d.Name),
	} {
		if err := exec(q); err != nil {
			return err
		}
	}
	return nil
}

func stableFacts() []Derived {
	var out []Derived
	for _, d := range DerivedFacts() {
		if d.Stable {
			out = append(out, d)
		}
	}
	return out
}

// stableBuilt counts the stable tables that exist and were built (from
// from, or from anything when from is "").
func stableBuilt(ctx context.Context, db *sql.DB, from string) (int, error) {
	built, err := builtTables(ctx, db, from)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range stableFacts() {
		if built[d.Name] {
			n++
		}
	}
	return n, nil
}
