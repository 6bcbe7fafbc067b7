package analysis

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// The derived facts are the files of sql/: one SELECT each, named after the
// view, opening with the comment block that documents it (see sql/README.md
// for the header syntax).
//
//go:embed sql/*.sql
var sqlFiles embed.FS

// Column documents one column of a derived fact.
type Column struct {
	Name string
	Doc  string
}

// Dialects of a derived fact's SQL.
const (
	Portable   = "portable" // standard SQL that Spark and Trino also accept
	DuckDBOnly = "duckdb"   // uses DuckDB functions or the prelude's macros
)

func init() {
	ds, err := loadDerived(sqlFiles)
	if err != nil {
		panic("analysis: " + err.Error()) // the embedded files are part of the build
	}
	for _, d := range ds {
		RegisterDerived(d)
	}
}

var (
	columnLine = regexp.MustCompile(`^([a-z_][a-z0-9_]*): (.+)$`)
	attrLine   = regexp.MustCompile(`^@([a-z]+)(?: (.*))?$`)
)

// loadDerived reads every sql/*.sql file of fsys as a derived fact.
func loadDerived(fsys fs.FS) ([]Derived, error) {
	names, err := fs.Glob(fsys, "sql/*.sql")
	if err != nil {
		return nil, err
	}
	var ds []Derived
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		d, err := parseDerived(strings.TrimSuffix(path.Base(name), ".sql"), string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ds = append(ds, d)
	}
	return ds, nil
}

// parseDerived reads one file: its leading comment lines are the header
// (the first line what a row means; after a blank comment line one line
// per column, "name: meaning", until the next blank one; free notes;
// @order N, @table, @dialect portable|duckdb anywhere), the rest the
// SELECT.
func parseDerived(name, text string) (Derived, error) {
	d := Derived{Name: name, Dialect: DuckDBOnly}
	lines := strings.Split(text, "\n")
	block, i := 0, 0
	for ; i < len(lines) && strings.HasPrefix(lines[i], "--"); i++ {
		line := strings.TrimSpace(strings.TrimPrefix(lines[i], "--"))
		if m := attrLine.FindStringSubmatch(line); m != nil {
			if err := d.setAttr(m[1], strings.TrimSpace(m[2])); err != nil {
				return d, fmt.Errorf("line %d: %w", i+1, err)
			}
			continue
		}
		switch {
		case line == "":
			block++
		case block == 0 && d.Doc == "":
			d.Doc = line
		case block == 1:
			m := columnLine.FindStringSubmatch(line)
			if m == nil {
				return d, fmt.Errorf("line %d: a column line reads \"-- name: meaning\", got %q", i+1, line)
			}
			d.Columns = append(d.Columns, Column{Name: m[1], Doc: m[2]})
		}
	}
	d.SQL = strings.TrimSpace(strings.Join(lines[i:], "\n"))
	switch {
	case d.Doc == "":
		return d, fmt.Errorf("no documentation: the file opens with \"-- what one row means\"")
	case len(d.Columns) == 0:
		return d, fmt.Errorf("no columns documented: list them as \"-- name: meaning\" after a blank comment line")
	case d.SQL == "":
		return d, fmt.Errorf("no SELECT after the header")
	case d.Stable && !d.Table:
		return d, fmt.Errorf("@stable is for tables: add @table")
	case d.Stable && strings.Contains(d.SQL, "env_now()"):
		return d, fmt.Errorf("@stable but reads env_now(): it would keep the hours of the window it was built for")
	}
	return d, nil
}

func (d *Derived) setAttr(key, value string) error {
	switch key {
	case "order":
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("@order takes a whole number, got %q", value)
		}
		d.Order = n
	case "table":
		d.Table = true
	case "stable":
		d.Stable = true
	case "dialect":
		if value != Portable && value != DuckDBOnly {
			return fmt.Errorf("@dialect is %s or %s, got %q", Portable, DuckDBOnly, value)
		}
		d.Dialect = value
	default:
		return fmt.Errorf("unknown attribute @%s (known: @order, @table, @stable, @dialect)", key)
	}
	return nil
}

// derivedSQL is the SELECT of the named derived fact.
func derivedSQL(name string) string {
	return derived[name].SQL
}
