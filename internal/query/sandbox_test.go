package query_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/query"
)

func sandbox(t *testing.T) (*sql.DB, string) {
	t.Helper()
	st, _ := fixture(t)
	path := st.Path()
	st.Close()
	db, err := query.OpenSandbox(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, filepath.Dir(path)
}

// TestSandboxRefusesOutsideAccess runs statements that read files, reach
// the network or load extensions: each is refused as not allowed in
// queries, while reading the database still works.
func TestSandboxRefusesOutsideAccess(t *testing.T) {
	db, dir := sandbox(t)
	secret := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(secret, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	parquet := filepath.Join(dir, "x.parquet")
	hostile := []string{
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT * FROM read_text('" + secret + "')",
		"SELECT * FROM read_blob('" + secret + "')",
		"SELECT * FROM glob('/etc/*')",
		"SELECT * FROM read_parquet('" + parquet + "')",
		"SELECT * FROM read_csv('https://example.com/x.csv')",
		"SELECT * FROM read_parquet('s3://bucket/x.parquet')",
		"SELECT * FROM sqlite_scan('" + secret + "', 't')",
		"INSTALL httpfs",
		"LOAD httpfs",
		"ATTACH '" + filepath.Join(dir, "other.duckdb") + "'",
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "out.csv") + "'",
		"SET enable_external_access = true",
		"RESET lock_configuration",
		"PRAGMA enable_profiling",
	}
	for _, q := range hostile {
		_, err := query.RunSQL(context.Background(), db, q)
		if !errors.Is(err, query.ErrRefused) || !strings.Contains(err.Error(), "not allowed in queries") {
			t.Errorf("%s: %v, want refused as not allowed in queries", q, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("COPY wrote a file")
	}
	res, err := query.RunSQL(context.Background(), db, "SELECT count(*) FROM v_items")
	if err != nil || query.Text(res.Rows[0][0]) != "4" {
		t.Errorf("reading the database: %v %v", res, err)
	}
}

// TestSandboxEveryConnection checks that connections the pool opens later
// are sandboxed and in UTC too, not only the first.
func TestSandboxEveryConnection(t *testing.T) {
	db, _ := sandbox(t)
	ctx := context.Background()
	var conns []*sql.Conn
	for range 3 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var tz, ext, locked string
		err := c.QueryRowContext(ctx, `SELECT current_setting('TimeZone'), current_setting('enable_external_access')::VARCHAR,
			current_setting('lock_configuration')::VARCHAR`).Scan(&tz, &ext, &locked)
		if err != nil {
			t.Fatal(err)
		}
		if tz != "UTC" || ext != "false" || locked != "true" {
			t.Errorf("connection %d: TimeZone %s, external access %s, locked %s", i, tz, ext, locked)
		}
	}
}
