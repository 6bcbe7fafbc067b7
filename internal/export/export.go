package export

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Table is one exported table as the manifest records it.
type Table struct {
	Name string `json:"name"`
	// Path is the table's directory, relative to the export directory.
	Path string `json:"path"`
	// PartitionedBy lists the Hive partition columns (source=.../month=...).
	PartitionedBy []string `json:"partitioned_by,omitempty"`
	Rows          int64    `json:"rows"`
	Columns       []Column `json:"columns"`
}

// Column is one column of an exported table with its DuckDB type.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Manifest describes an export.
type Manifest struct {
	Format        string    `json:"format"`
	SchemaVersion int       `json:"schema_version"`
	ExportedAt    time.Time `json:"exported_at"`
	Tables        []Table   `json:"tables"`
}

// partitioned names the tables written Hive-partitioned and the SELECT
// that adds their partition columns; the others are written as one file.
// item_events gets its item's source (events carry none of their own).
var partitioned = map[string]struct {
	by  []string
	sql string
}{
	"items": {[]string{"source", "month"},
		`SELECT *, strftime(created_at, '%Y-%m') AS month FROM items`},
	"item_events": {[]string{"source", "month"},
		`SELECT e.*, coalesce(i.source, split_part(e.item_id, ':', 1)) AS source,
	strftime(e.occurred_at, '%Y-%m') AS month
FROM item_events e LEFT JOIN items i ON i.item_id = e.item_id`},
}

// ManifestFile is the manifest's name inside the export directory.
const ManifestFile = "manifest.json"

// Parquet writes every base table of db (the store's tables, findings and
// metrics included, and any derived fact analysis materialised as a table)
// into dir, one directory per table, and writes the manifest. Files of an
// earlier export into dir are replaced table by table.
func Parquet(ctx context.Context, db *sql.DB, dir string, now time.Time) (Manifest, error) {
	m := Manifest{Format: "parquet", ExportedAt: now.UTC()}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&m.SchemaVersion); err != nil {
		return m, fmt.Errorf("export: read schema version: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	names, err := tableNames(ctx, db)
	if err != nil {
		return m, err
	}
	for _, name := range names {
		t, err := exportTable(ctx, db, dir, name)
		if err != nil {
			return m, err
		}
		m.Tables = append(m.Tables, t)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("export: manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return m, fmt.Errorf("export: manifest: %w", err)
	}
	return m, nil
}

func tableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("export: list tables: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("export: list tables: %w", err)
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func exportTable(ctx context.Context, db *sql.DB, dir, name string) (Table, error) {
	t := Table{Name: name, Path: name}
	target := filepath.Join(dir, name)
	if err := os.RemoveAll(target); err != nil {
		return t, fmt.Errorf("export %s: clear old files: %w", name, err)
	}
	src := "SELECT * FROM " + ident(name)
	opts := "FORMAT parquet, COMPRESSION zstd"
	if p, ok := partitioned[name]; ok {
		src = p.sql
		t.PartitionedBy = p.by
		opts += ", PARTITION_BY (" + strings.Join(p.by, ", ") + ")"
	} else {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return t, fmt.Errorf("export %s: %w", name, err)
		}
		target = filepath.Join(target, name+".parquet")
	}
	cols, err := columns(ctx, db, src)
	if err != nil {
		return t, fmt.Errorf("export %s: %w", name, err)
	}
	t.Columns = cols
	// The path cannot be a bound parameter in COPY; it is quoted instead.
	res, err := db.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO %s (%s)", src, literal(target), opts))
	if err != nil {
		return t, fmt.Errorf("export %s: %w", name, err)
	}
	if t.Rows, err = res.RowsAffected(); err != nil {
		return t, fmt.Errorf("export %s: %w", name, err)
	}
	if t.Rows == 0 && t.PartitionedBy != nil {
		// An empty partitioned COPY writes no directory; readers still
		// expect the table's directory to exist.
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			return t, fmt.Errorf("export %s: %w", name, err)
		}
	}
	return t, nil
}

func columns(ctx context.Context, db *sql.DB, src string) ([]Column, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM ("+src+") LIMIT 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	cols := make([]Column, len(types))
	for i, ct := range types {
		cols[i] = Column{Name: ct.Name(), Type: ct.DatabaseTypeName()}
	}
	return cols, nil
}

func ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
