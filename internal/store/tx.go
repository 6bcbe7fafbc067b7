package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Row is a value that can be written through a Tx: one of the row types in
// rows.go.
type Row interface {
	values() []driver.Value
}

// table describes a writable table: its columns in schema order, the key
// that upserts match on, and columns an upsert must leave alone.
type table struct {
	name    string
	columns []string
	key     []string
	keep    []string
	// fill lists columns where a new NULL does not erase a stored value:
	// an account seen without its email (hidden, deactivated) keeps the
	// email seen before.
	fill []string
}

var tables = map[string]*table{}

func register(name, key string, keep string, columns string) *table {
	t := &table{name: name, columns: strings.Fields(columns), key: strings.Fields(key), keep: strings.Fields(keep)}
	tables[name] = t
	return t
}

var (
	sourcesTable  = fillNulls(register("sources", "name", "", "name kind url last_sync_at last_status last_error last_attempt_at"), "last_sync_at")
	identityTable = fillNulls(register("identities", "identity_id", "person_id", "identity_id source external_id login email display_name is_bot active person_id"), "login email display_name")
	itemsTable    = register("items", "item_id", "team", "item_id source kind key container title type status status_category priority assignee_id reporter_id team parent_key epic_key story_points labels components milestone created_at updated_at resolved_at url")
	eventsTable   = register("item_events", "event_id", "", "event_id item_id occurred_at actor_id kind field from_value to_value from_id to_id")
	statusTable   = register("statuses", "source status_id", "", "source status_id name status_category")
	sprintsTable  = register("sprints", "sprint_id", "", "sprint_id source board_id name state start_at end_at complete_at goal")
	sprintItems   = register("sprint_items", "sprint_id item_id", "", "sprint_id item_id added_at removed_at committed completed_in_sprint")
	linksTable    = fillNulls(register("links", "from_item to_item type", "", "from_item to_item type created_at removed_at"), "created_at")
	pullsTable    = register("pull_requests", "item_id", "", "item_id repo number author_id draft created_at ready_at merged_at closed_at merged_by_id additions deletions changed_files commits base_ref")
	reviewsTable  = register("reviews", "review_id", "", "review_id item_id reviewer_id state submitted_at")
	requestsTable = register("review_requests", "request_id", "", "request_id item_id reviewer_id reviewer_team requested_at removed_at requester_id")
	commentsTable = register("comments", "comment_id", "", "comment_id item_id author_id created_at kind")
)

func fillNulls(t *table, columns string) *table {
	t.fill = strings.Fields(columns)
	return t
}

func tableOf(r Row) *table {
	switch r.(type) {
	case Source:
		return sourcesTable
	case Identity:
		return identityTable
	case Item:
		return itemsTable
	case Event:
		return eventsTable
	case Status:
		return statusTable
	case Sprint:
		return sprintsTable
	case SprintItem:
		return sprintItems
	case Link:
		return linksTable
	case PullRequest:
		return pullsTable
	case Review:
		return reviewsTable
	case ReviewRequest:
		return requestsTable
	case Comment:
		return commentsTable
	}
	panic(fmt.Sprintf("store: %T is not a row type", r))
}

// Tx is one write unit: a sync page's rows and its cursor. Rows are streamed
// through DuckDB appenders into per-connection staging tables and merged into
// the real tables by Commit, inside one database transaction, so a crash or
// an error leaves neither half a page nor a cursor ahead of its data.
//
// Only one Tx is open at a time per Store; Begin waits for the previous one.
// Parse a whole page before Begin so the wait stays short.
type Tx struct {
	s         *Store
	ctx       context.Context
	conn      *sql.Conn
	appenders map[*table]*duckdb.Appender
	order     []*table
	done      bool
}

// Begin starts a write transaction.
func (s *Store) Begin(ctx context.Context) (*Tx, error) {
	if s.readOnly {
		return nil, ErrReadOnly
	}
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		<-s.writer
		return nil, fmt.Errorf("begin: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		conn.Close()
		<-s.writer
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{s: s, ctx: ctx, conn: conn, appenders: map[*table]*duckdb.Appender{}}, nil
}

// Put stages one row. It reaches its table at Commit (or at the next Exec).
func (tx *Tx) Put(r Row) error {
	t := tableOf(r)
	a, err := tx.appender(t)
	if err != nil {
		return err
	}
	if err := a.AppendRow(r.values()...); err != nil {
		return fmt.Errorf("stage %s row: %w", t.name, err)
	}
	return nil
}

func (tx *Tx) appender(t *table) (*duckdb.Appender, error) {
	if a, ok := tx.appenders[t]; ok {
		return a, nil
	}
	stage := "stage_" + t.name
	q := fmt.Sprintf("CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT * FROM main.%s LIMIT 0", stage, t.name)
	if _, err := tx.conn.ExecContext(tx.ctx, q); err != nil {
		return nil, fmt.Errorf("create staging for %s: %w", t.name, err)
	}
	var a *duckdb.Appender
	err := tx.conn.Raw(func(dc any) error {
		var err error
		a, err = duckdb.NewAppender(dc.(driver.Conn), "temp", "main", stage)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("appender for %s: %w", t.name, err)
	}
	tx.appenders[t] = a
	tx.order = append(tx.order, t)
	return a, nil
}

// merge flushes the staged rows into the real tables. Within a page the
// last row staged for a key wins. An upsert here is a delete of the keys
// being written followed by one insert, which DuckDB runs far faster than
// ON CONFLICT DO UPDATE; columns the resolve step owns (keep) are carried
// over from the rows being replaced.
func (tx *Tx) merge() error {
	for _, t := range tx.order {
		if err := tx.appenders[t].Close(); err != nil {
			return fmt.Errorf("flush %s: %w", t.name, err)
		}
		delete(tx.appenders, t)
		for _, q := range mergeSQL(t) {
			if _, err := tx.conn.ExecContext(tx.ctx, q); err != nil {
				return fmt.Errorf("merge %s: %w", t.name, err)
			}
		}
	}
	tx.order = tx.order[:0]
	return nil
}

func mergeSQL(t *table) []string {
	stage := "temp.main.stage_" + t.name
	key := strings.Join(t.key, ", ")
	match := make([]string, len(t.key))
	for i, k := range t.key {
		match[i] = fmt.Sprintf("s.%s = m.%s", k, k)
	}
	var stmts []string
	if len(t.keep)+len(t.fill) > 0 {
		var set []string
		for _, c := range t.keep {
			set = append(set, fmt.Sprintf("%s = m.%s", c, c))
		}
		for _, c := range t.fill {
			set = append(set, fmt.Sprintf("%s = coalesce(s.%s, m.%s)", c, c, c))
		}
		stmts = append(stmts, fmt.Sprintf("UPDATE %s s SET %s FROM main.%s m WHERE %s",
			stage, strings.Join(set, ", "), t.name, strings.Join(match, " AND ")))
	}
	return append(stmts,
		fmt.Sprintf("DELETE FROM main.%s m WHERE (%s) IN (SELECT (%s) FROM %s)", t.name, key, key, stage),
		fmt.Sprintf(`INSERT INTO main.%s SELECT * FROM %s QUALIFY row_number() OVER (PARTITION BY %s ORDER BY rowid DESC) = 1`,
			t.name, stage, key),
		"DELETE FROM "+stage)
}

// Exec runs a statement inside the transaction, after merging what has been
// staged so far (so it sees those rows).
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if err := tx.merge(); err != nil {
		return nil, err
	}
	return tx.conn.ExecContext(tx.ctx, query, args...)
}

// appendOnly are the tables Append writes to: an analysis run's rows,
// which have no key to upsert on (a run replaces its own rows by deleting
// them first).
var appendOnly = map[string]bool{"findings": true, "metrics": true}

// Append adds rows to an append-only table (findings, metrics) as they
// are: each row's values in the table's column order (text, float64,
// int32 for INTEGER; a JSON column takes the value itself, which the
// appender marshals with encoding/json, or a json.RawMessage). They go
// through DuckDB's appender,
// within the transaction: no statement text to build, and no parse of the
// values, which at a few MB of evidence is most of the cost of a run's
// write.
func (tx *Tx) Append(table string, rows [][]driver.Value) error {
	if !appendOnly[table] {
		return fmt.Errorf("append to %s: not an append-only table", table)
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.merge(); err != nil {
		return err
	}
	return tx.conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppender(dc.(driver.Conn), "", "main", table)
		if err != nil {
			return fmt.Errorf("appender for %s: %w", table, err)
		}
		for _, r := range rows {
			if err := a.AppendRow(r...); err != nil {
				a.Close()
				return fmt.Errorf("append %s row: %w", table, err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("append to %s: %w", table, err)
		}
		return nil
	})
}

// SetCursor records how far a sync of source/scope has come. It commits
// with the rows of the same Tx, never before them.
func (tx *Tx) SetCursor(source, scope, cursor, etag string) error {
	_, err := tx.conn.ExecContext(tx.ctx, `INSERT INTO sync_state (source, scope, cursor, etag, updated_at)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, scope) DO UPDATE SET cursor = excluded.cursor,
etag = excluded.etag, updated_at = excluded.updated_at`, source, scope, str(cursor), str(etag), time.Now().UTC())
	if err != nil {
		return fmt.Errorf("set cursor %s/%s: %w", source, scope, err)
	}
	return nil
}

// Commit merges the staged rows and commits them with the cursors.
func (tx *Tx) Commit() error {
	if tx.done {
		return errors.New("transaction already finished")
	}
	if err := tx.merge(); err != nil {
		tx.Rollback()
		return err
	}
	_, err := tx.conn.ExecContext(tx.ctx, "COMMIT")
	tx.finish()
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rollback discards everything staged and written in the transaction. It is
// safe to call after Commit (it does nothing then), so `defer tx.Rollback()`
// is the usual pattern.
func (tx *Tx) Rollback() error {
	if tx.done {
		return nil
	}
	for _, t := range tx.order {
		if a := tx.appenders[t]; a != nil { // merge closes and drops appenders as it goes
			a.Close()
		}
	}
	_, err := tx.conn.ExecContext(context.WithoutCancel(tx.ctx), "ROLLBACK")
	tx.finish()
	return err
}

func (tx *Tx) finish() {
	tx.done = true
	tx.conn.Close()
	<-tx.s.writer
}

// Cursor returns the recorded cursor and ETag of source/scope ("" if none).
func (s *Store) Cursor(ctx context.Context, source, scope string) (cursor, etag string, err error) {
	var c, e sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT cursor, etag FROM sync_state WHERE source = ? AND scope = ?`,
		source, scope).Scan(&c, &e)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read cursor %s/%s: %w", source, scope, err)
	}
	return c.String, e.String, nil
}
