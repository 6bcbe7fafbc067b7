package store

import (
	"context"
	"fmt"
)

// Deleted rows and when their space comes back.
//
// A deleted row stays in its row group, marked deleted, until the row
// group is written again. DuckDB's checkpoints would do that as they go
// ("vacuum": merging row groups that deletes have thinned), but for a
// table of a million rows that costs most of a second whenever a few
// hundred rows in its middle were deleted, as a sync's upserts and an
// analysis's upkeep of its derived tables do every time. So a writable
// store opens with vacuum off (noVacuum), and Compact rewrites a table
// once its deleted rows are worth it: the cost of a rewrite is paid once
// per quarter of the table deleted, not on every checkpoint. Row groups
// left with no row at all are still dropped at each checkpoint.

// noVacuum turns the checkpoints' vacuum off (see above).
const noVacuum = "SET max_vacuum_tasks = 0"

// compactShare and compactRows say when Compact rewrites a table: when
// its deleted rows are at least compactShare of the rows it stores and
// at least compactRows. Below them the deleted rows cost scans little.
const (
	compactShare = 0.25
	compactRows  = 10000
)

// compactCandidates lists the store's tables Compact may rewrite, with
// the rows each stores (deleted ones included): the tables without a key
// or index (a rewrite of a keyed table would check every key again, and
// DuckDB does not vacuum a table with an index in this store's format
// either).
const compactCandidates = `SELECT t.table_name, t.estimated_size
FROM duckdb_tables() t
WHERE t.database_name = current_database() AND t.schema_name = 'main' AND NOT t.temporary
	AND NOT EXISTS (SELECT 1 FROM duckdb_constraints() c WHERE c.database_name = t.database_name
		AND c.schema_name = t.schema_name AND c.table_name = t.table_name AND c.constraint_type IN ('PRIMARY KEY', 'UNIQUE'))
	AND NOT EXISTS (SELECT 1 FROM duckdb_indexes() i WHERE i.database_name = t.database_name
		AND i.schema_name = t.schema_name AND i.table_name = t.table_name)
	AND t.estimated_size >= ?
ORDER BY t.table_name`

// Compact rewrites each table without a key whose deleted rows reach a
// quarter of what it stores (and at least 10,000 rows), so that its space
// and its scans are those of the rows it holds. Each table is rewritten in
// a transaction of its own: its rows appended again and the old ones
// deleted, which leaves the old row groups empty for the next checkpoint
// to drop; a failure leaves the table as it was. It returns the tables
// rewritten. A read-only store has nothing to compact.
func (s *Store) Compact(ctx context.Context) ([]string, error) {
	if s.readOnly {
		return nil, nil
	}
	type candidate struct {
		name   string
		stored int64
	}
	var cands []candidate
	rows, err := s.db.QueryContext(ctx, compactCandidates, compactRows)
	if err != nil {
		return nil, fmt.Errorf("compact: list tables: %w", err)
	}
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.name, &c.stored); err != nil {
			rows.Close()
			return nil, fmt.Errorf("compact: list tables: %w", err)
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("compact: list tables: %w", err)
	}
	var done []string
	for _, c := range cands {
		table := QuoteIdent(c.name)
		var live int64
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM main."+table).Scan(&live); err != nil {
			return done, fmt.Errorf("compact %s: %w", c.name, err)
		}
		deleted := c.stored - live
		if deleted < compactRows || float64(deleted) < compactShare*float64(c.stored) {
			continue
		}
		if err := s.rewrite(ctx, table); err != nil {
			return done, fmt.Errorf("compact %s: %w", c.name, err)
		}
		done = append(done, c.name)
	}
	return done, nil
}

// rewrite appends table's rows to it again and deletes the old ones, in
// one transaction: row ids only grow, so the old rows are those up to the
// largest row id before the append.
func (s *Store) rewrite(ctx context.Context, table string) error {
	tx, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var last *int64
	if err := tx.conn.QueryRowContext(ctx, "SELECT max(rowid) FROM main."+table).Scan(&last); err != nil {
		return err
	}
	if last == nil { // nothing left: the checkpoint drops the empty row groups
		return nil
	}
	if _, err := tx.Exec("INSERT INTO main." + table + " SELECT * FROM main." + table); err != nil {
		return err
	}
	if _, err := tx.Exec("DELETE FROM main."+table+" WHERE rowid <= ?", *last); err != nil {
		return err
	}
	return tx.Commit()
}
