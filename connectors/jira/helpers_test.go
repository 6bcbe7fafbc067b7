package jira

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// realData is the directory of the dataset built from real payloads.
func realData(t testing.TB, name string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "realdata", "jira", name)
	if _, err := os.Stat(filepath.Join(dir, "jira")); err != nil {
		t.Fatalf("dataset %s: %v", name, err)
	}
	return dir
}

func startServer(t testing.TB, dir string, opts jiratest.Options) *jiratest.Server {
	t.Helper()
	srv, err := jiratest.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func testConfig(url string, projects ...string) config.Source {
	return config.Source{Name: "jira", Kind: "jira", URL: url, Projects: projects}
}

var fixedNow = time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)

func testOptions(t testing.TB) connectors.Options {
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
	return connectors.Options{Logger: log, Now: func() time.Time { return fixedNow }, MaxWait: 10 * time.Second}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

func runSync(t testing.TB, st *store.Store, cfg config.Source, opts connectors.Options) connectors.Stats {
	t.Helper()
	src, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := src.Sync(context.Background(), st, opts)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return stats
}

// dataTables are hashed to compare store contents (sources and sync_state
// carry wall-clock times).
var dataTables = []string{"items", "item_events", "identities", "statuses", "sprints", "sprint_items", "links"}

// contentHash is an md5 of every data table, rows sorted.
func contentHash(t testing.TB, st *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tbl := range dataTables {
		var h sql.NullString
		from := tbl
		if tbl == "items" {
			from = "(SELECT * EXCLUDE (url) FROM items)" // the fake server's address differs per test
		}
		q := fmt.Sprintf(`SELECT md5(string_agg(x.t::TEXT, '|' ORDER BY x.t::TEXT)) FROM (SELECT t FROM %s t) x`, from)
		if err := st.DB().QueryRow(q).Scan(&h); err != nil {
			t.Fatalf("hash %s: %v", tbl, err)
		}
		out[tbl] = h.String
	}
	return out
}

func count(t testing.TB, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
