package github

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

var testNow = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

// hashedTables lists every table a sync writes, with the columns that
// record when (not what) left out of the content hash, and the ETags
// (HTTP cache validators, not data).
var hashedTables = []struct{ name, exclude string }{
	{"sources", "EXCLUDE (last_sync_at, url)"},
	{"sync_state", "EXCLUDE (updated_at, etag)"},
	{"identities", ""}, {"items", ""}, {"item_events", ""}, {"pull_requests", ""},
	{"reviews", ""}, {"review_requests", ""}, {"comments", ""},
}

// contentHash returns an md5 of every synced table's content.
func contentHash(t testing.TB, st *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range hashedTables {
		var h string
		q := fmt.Sprintf(`SELECT md5(coalesce(string_agg(t::TEXT, '' ORDER BY t::TEXT), '')) || ':' || count(*)
			FROM (SELECT * %s FROM %s) t`, tb.exclude, tb.name)
		if err := st.DB().QueryRow(q).Scan(&h); err != nil {
			t.Fatalf("hash %s: %v", tb.name, err)
		}
		out[tb.name] = h
	}
	return out
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func startServer(t testing.TB, dir string, opts githubtest.Options) *githubtest.Server {
	t.Helper()
	srv, err := githubtest.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// sourceConfig configures the REST path, which most tests exercise;
// gqlConfig the GraphQL one.
func sourceConfig(url string, repos ...string) config.Source {
	return config.Source{Name: "gh", Kind: "github", URL: url, Repos: repos, Auth: config.Auth{Token: "t0ken"}, API: "rest"}
}

func gqlConfig(url string, repos ...string) config.Source {
	cfg := sourceConfig(url, repos...)
	cfg.API = "graphql"
	return cfg
}

func syncOnce(ctx context.Context, t testing.TB, cfg config.Source, st *store.Store, o connectors.Options) (connectors.Stats, error) {
	t.Helper()
	src, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = testNow
	}
	if o.MaxWait == 0 {
		o.MaxWait = 5 * time.Second
	}
	return src.Sync(ctx, st, o)
}

func count(t testing.TB, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
