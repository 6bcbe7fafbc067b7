package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/systemic-dev/systemic/internal/config"
)

// ErrLocked reports that another process holds the database file.
var ErrLocked = errors.New("database is in use by another process")

// ErrReadOnly reports an attempt to write through a read-only handle.
var ErrReadOnly = errors.New("database is open read-only")

// Store is an open systemic database.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	writer   chan struct{} // one open Tx at a time
}

// Open creates or opens the database at path for reading and writing and
// brings its schema to SchemaVersion. An empty path or ":memory:" opens a
// private in-memory database (tests, demo scratch).
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := open(ctx, path, false)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", s.name(), err)
	}
	return s, nil
}

// OpenReadOnly opens an existing database for queries. Writes through it
// fail, and so does opening a file whose schema is newer than this build.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" {
		return nil, errors.New("a read-only open needs a database file")
	}
	s, err := open(ctx, path, true)
	if err != nil {
		return nil, err
	}
	v, err := s.Version(ctx)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", s.name(), err)
	}
	if v == 0 {
		s.Close()
		return nil, fmt.Errorf("database %s: not a systemic database (no schema); run `systemic sync` first", path)
	}
	if v > SchemaVersion {
		s.Close()
		return nil, fmt.Errorf("database %s: schema version %d is newer than this systemic (%d); upgrade systemic", path, v, SchemaVersion)
	}
	return s, nil
}

func open(ctx context.Context, path string, readOnly bool) (*Store, error) {
	dsn := ""
	if path != "" && path != ":memory:" {
		dsn = path
		if readOnly {
			dsn += "?" + url.Values{"access_mode": {"read_only"}}.Encode()
		}
	}
	// The pool opens connections long after Open returns: they must not
	// fail because Open's context has ended since.
	connCtx := context.WithoutCancel(ctx)
	connector, err := duckdb.NewConnector(dsn, func(execer driver.ExecerContext) error {
		_, err := execer.ExecContext(connCtx, "SET TimeZone = 'UTC'", nil)
		return err
	})
	if err != nil {
		return nil, openError(path, err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, openError(path, err)
	}
	s := &Store{db: db, path: path, readOnly: readOnly, writer: make(chan struct{}, 1)}
	if !readOnly { // deleted rows wait for Compact (compact.go)
		if _, err := db.ExecContext(ctx, noVacuum); err != nil {
			db.Close()
			return nil, openError(path, err)
		}
	}
	limit, err := s.defaultMemoryLimit(ctx)
	if err == nil {
		err = s.SetMemoryLimit(ctx, limit)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// defaultMemoryLimit caps the memory DuckDB holds for a store (its buffers
// and the hash tables and sorts of a query) unless the config sets
// storage.memory_limit: 768 MiB, or 256 MiB per thread DuckDB runs when
// that is more (each thread needs room of its own). Without a cap DuckDB
// takes up to 80% of the machine; with it, large operations spill to a
// temporary directory beside the database. On 2 threads the process as a
// whole (Go's heap, DuckDB's own allocations) stays under 1 GiB at 2M
// events.
func (s *Store) defaultMemoryLimit(ctx context.Context) (string, error) {
	var threads int
	if err := s.db.QueryRowContext(ctx, "SELECT CAST(current_setting('threads') AS INTEGER)").Scan(&threads); err != nil {
		return "", fmt.Errorf("database %s: read threads: %w", s.name(), err)
	}
	return fmt.Sprintf("%dMiB", max(768, 256*threads)), nil
}

// SetMemoryLimit sets the store's memory cap (see defaultMemoryLimit).
func (s *Store) SetMemoryLimit(ctx context.Context, limit string) error {
	if !config.ValidMemoryLimit(limit) {
		return fmt.Errorf("memory limit %q: give a size such as 512MB or 2GiB", limit)
	}
	if _, err := s.db.ExecContext(ctx, "SET memory_limit = '"+limit+"'"); err != nil {
		return fmt.Errorf("database %s: memory limit %s: %w", s.name(), limit, err)
	}
	return nil
}

// lockedError is ErrLocked for one file, in a sentence a user can act on.
type lockedError string

func (e lockedError) Error() string {
	return fmt.Sprintf("database %s is in use by another process; wait for it or use a copy", string(e))
}

func (e lockedError) Is(target error) bool { return target == ErrLocked }

// openError turns DuckDB's lock message into one a user can act on.
func openError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		return lockedError(path)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// DB returns the underlying handle for queries. Analysis and reports read
// through it; sync writes go through Begin.
func (s *Store) DB() *sql.DB { return s.db }

// Path returns the database file path ("" for in-memory).
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Close releases the database file.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) name() string {
	if s.path == "" {
		return ":memory:"
	}
	return s.path
}

// Version returns the schema version recorded in the database (0 when empty).
func (s *Store) Version(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx,
		`SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'`).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// migrate applies every migration above the recorded version, each in its
// own transaction together with its version row.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("schema version %d is newer than this systemic (%d); upgrade systemic", v, SchemaVersion)
	}
	for i := v; i < len(migrations); i++ {
		if err := s.apply(ctx, i+1, migrations[i]); err != nil {
			return fmt.Errorf("migrate to schema version %d: %w", i+1, err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, version int, ddl string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, ddl); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, version); err != nil {
		return err
	}
	return tx.Commit()
}

// QuoteIdent quotes a SQL identifier (a table or column name) for DuckDB.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
