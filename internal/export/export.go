package export

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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
	Shard         string    `json:"shard,omitempty"`
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

// ManifestFile is the manifest's name inside the export directory (with a
// shard, manifest-<shard>.json).
const ManifestFile = "manifest.json"

// Options adjust an export.
type Options struct {
	// Shard names this machine's part of an export that several machines
	// write into one layout (each syncing its own sources). Its files are
	// named after it, so shards never overwrite each other, and a re-export
	// replaces only the shard's own files. Empty: the directory holds one
	// export, replaced table by table.
	Shard string
}

var shardName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// Validate checks the shard name (it becomes part of file names).
func (o Options) Validate() error {
	if o.Shard != "" && !shardName.MatchString(o.Shard) {
		return fmt.Errorf("shard %q: use letters, digits, '-' and '_'", o.Shard)
	}
	return nil
}

// Parquet writes every base table of db (the store's tables, findings and
// metrics included, and any derived fact analysis materialised as a table)
// into dir, one directory per table, and writes the manifest.
func Parquet(ctx context.Context, db *sql.DB, dir string, now time.Time, opts Options) (Manifest, error) {
	m := Manifest{Format: "parquet", Shard: opts.Shard, ExportedAt: now.UTC()}
	if err := opts.Validate(); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
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
		t, err := exportTable(ctx, db, dir, name, opts.Shard)
		if err != nil {
			return m, err
		}
		m.Tables = append(m.Tables, t)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("export: manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName(opts.Shard)), append(b, '\n'), 0o644); err != nil {
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

func manifestName(shard string) string {
	if shard == "" {
		return ManifestFile
	}
	return "manifest-" + shard + ".json"
}

func exportTable(ctx context.Context, db *sql.DB, dir, name, shard string) (Table, error) {
	t := Table{Name: name, Path: name}
	tableDir := filepath.Join(dir, name)
	if err := clearOld(tableDir, shard); err != nil {
		return t, fmt.Errorf("export %s: clear old files: %w", name, err)
	}
	file := name
	if shard != "" {
		file = shard
	}
	target := filepath.Join(tableDir, file+".parquet")
	src := "SELECT * FROM " + ident(name)
	opts := "FORMAT parquet, COMPRESSION zstd"
	if p, ok := partitioned[name]; ok {
		src, target = p.sql, tableDir
		t.PartitionedBy = p.by
		opts += ", PARTITION_BY (" + strings.Join(p.by, ", ") + "), OVERWRITE_OR_IGNORE"
		opts += ", FILENAME_PATTERN " + literal(file+"_{i}")
	}
	if err := os.MkdirAll(tableDir, 0o755); err != nil {
		return t, fmt.Errorf("export %s: %w", name, err)
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
	return t, nil
}

// clearOld removes what an earlier export wrote into a table's directory: all
// of it without a shard, else only the shard's own files.
func clearOld(tableDir, shard string) error {
	if shard == "" {
		return os.RemoveAll(tableDir)
	}
	return filepath.WalkDir(tableDir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		if ownFile(d.Name(), shard) {
			return os.Remove(path)
		}
		return nil
	})
}

// ownFile reports whether a file name is one a shard writes: <shard>.parquet
// or <shard>_<n>.parquet (so shard "a" never claims shard "a_b"'s files).
func ownFile(base, shard string) bool {
	if base == shard+".parquet" {
		return true
	}
	n, ok := strings.CutPrefix(base, shard+"_")
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, ".parquet")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
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
