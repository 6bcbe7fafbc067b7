package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// sandboxSettings run before any statement of the user: no file, network
// or extension access (read_csv, glob, ATTACH, COPY, https:// and s3://
// paths, INSTALL, LOAD), no extension installed or loaded behind the
// statement's back, and then no change to any of it. They are global to
// the DuckDB instance, which OpenSandbox keeps to itself.
var sandboxSettings = []string{
	"SET GLOBAL TimeZone = 'UTC'",
	"SET GLOBAL enable_external_access = false",
	"SET GLOBAL autoinstall_known_extensions = false",
	"SET GLOBAL autoload_known_extensions = false",
	"SET GLOBAL lock_configuration = true",
}

// OpenSandbox opens the database file at path read-only, on a DuckDB
// instance of its own whose external access is off and configuration
// locked before the handle is returned: ad hoc SQL run on it reaches only
// that file's tables. Internal uses that need files (export) open the
// store on their own.
func OpenSandbox(ctx context.Context, path string) (*sql.DB, error) {
	dsn := path + "?" + url.Values{"access_mode": {"read_only"}}.Encode()
	connector, err := duckdb.NewConnector(dsn, lockDown)
	if err != nil {
		return nil, fmt.Errorf("open %s for queries: %w", path, err)
	}
	db := sql.OpenDB(connector)
	var external string
	err = db.QueryRowContext(ctx, `SELECT current_setting('enable_external_access')::VARCHAR`).Scan(&external)
	if err == nil && external != "false" {
		err = errors.New("external access is still enabled")
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s for queries: %w", path, err)
	}
	return db, nil
}

// lockDown applies sandboxSettings on a new connection. The settings are
// global: the first connection sets and locks them, and later ones find
// them locked, which is what is wanted.
func lockDown(execer driver.ExecerContext) error {
	for _, s := range sandboxSettings {
		if _, err := execer.ExecContext(context.Background(), s, nil); err != nil {
			if strings.Contains(err.Error(), "the configuration has been locked") {
				return nil
			}
			return err
		}
	}
	return nil
}

var (
	permissionErr = regexp.MustCompile(`Permission Error: ([^\n]*)`)
	extensionErr  = regexp.MustCompile(`exists in the (\w+) extension`)
	lockedErr     = regexp.MustCompile(`Cannot change configuration option "([^"]+)"`)
)

// sandboxRefusal turns DuckDB's refusals of the sandbox into ErrRefused
// with a sentence saying what is not allowed, or returns nil.
func sandboxRefusal(msg string) error {
	if m := permissionErr.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%w: reading files, URLs or extensions is not allowed in queries (%s); "+
			"a query reads only the systemic database, and 'systemic export' writes it as files", ErrRefused, strings.TrimSpace(m[1]))
	}
	if m := extensionErr.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%w: the %s extension is not allowed in queries; a query reads only the systemic database", ErrRefused, m[1])
	}
	if m := lockedErr.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%w: changing settings (%s) is not allowed in queries", ErrRefused, m[1])
	}
	return nil
}
