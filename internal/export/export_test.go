package export_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/export"
	"github.com/systemic-dev/systemic/internal/store"
)

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// fixture writes a small store through the store's own writer and opens
// it read-only.
func fixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.duckdb")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows := []store.Row{
		store.Source{Name: "j", Kind: "jira"},
		store.Source{Name: "gh", Kind: "github"},
		store.Identity{Source: "gh", ExternalID: "1", Login: "alice"},
		store.Item{ItemID: "j:1", Source: "j", Kind: "issue", Key: "P-1", CreatedAt: at("2026-09-03T10:00:00Z"), Labels: []string{"a", "b"}},
		store.Item{ItemID: "j:2", Source: "j", Kind: "issue", Key: "P-2", CreatedAt: at("2026-10-03T10:00:00Z")},
		store.Item{ItemID: "j:3", Source: "j", Kind: "issue", Key: "P-3"},
		store.Item{ItemID: "gh:a/b#1", Source: "gh", Kind: "pull_request", Key: "a/b#1", CreatedAt: at("2026-10-05T10:00:00Z")},
		store.Event{EventID: "j:1:0", ItemID: "j:1", OccurredAt: *at("2026-09-04T10:00:00Z"), Kind: "status", ToValue: "In Progress"},
		store.Event{EventID: "j:1:1", ItemID: "j:1", OccurredAt: *at("2026-10-04T10:00:00Z"), Kind: "status", ToValue: "Done"},
		store.Event{EventID: "gh:ev:9", ItemID: "gh:a/b#1", OccurredAt: *at("2026-10-06T10:00:00Z"), Kind: "merged"},
		store.Event{EventID: "gh:ev:10", ItemID: "gh:a/b#404", OccurredAt: *at("2026-10-06T10:00:00Z"), Kind: "closed"},
		store.PullRequest{ItemID: "gh:a/b#1", Repo: "a/b", Number: 1, AuthorID: "gh/1", CreatedAt: at("2026-10-05T10:00:00Z")},
	}
	for _, r := range rows {
		if err := tx.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO findings VALUES ('r', 'silo', 'warn', 't', 'repo', 'a/b', 0.5, 's', '{"values": {"x": 1}}')`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO metrics VALUES ('r', 'team', 't', 'throughput', '2026-10', 3, 3)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro
}

func TestParquetReadBack(t *testing.T) {
	ctx := context.Background()
	st := fixture(t)
	db := st.DB()
	dir := filepath.Join(t.TempDir(), "export")
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for round := 0; round < 2; round++ { // a second export replaces the first
		m, err := export.Parquet(ctx, db, dir, now, export.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var onDisk export.Manifest
		b, err := os.ReadFile(filepath.Join(dir, export.ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &onDisk); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(m, onDisk); diff != "" {
			t.Errorf("manifest file (-returned +file):\n%s", diff)
		}
		seen := map[string]bool{}
		for _, tb := range m.Tables {
			seen[tb.Name] = true
			var stored, read int64
			if err := db.QueryRow(`SELECT count(*) FROM "` + tb.Name + `"`).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			glob := filepath.Join(dir, tb.Path, "**", "*.parquet")
			q := fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s', hive_partitioning = true)`, glob)
			if stored == 0 {
				continue // no files for an empty table; read_parquet would find none
			}
			if err := db.QueryRow(q).Scan(&read); err != nil {
				t.Fatalf("%s: %v", tb.Name, err)
			}
			if read != stored || tb.Rows != stored {
				t.Errorf("%s: stored %d, manifest %d, read back %d", tb.Name, stored, tb.Rows, read)
			}
		}
		for _, want := range []string{"items", "item_events", "findings", "metrics", "pull_requests", "identities", "sources"} {
			if !seen[want] {
				t.Errorf("table %s not exported", want)
			}
		}
	}
	// Partitions: by source and month; events carry their item's source.
	rows, err := db.Query(fmt.Sprintf(`SELECT source, month, count(*) FROM read_parquet('%s/item_events/**/*.parquet', hive_partitioning = true)
GROUP BY ALL ORDER BY ALL`, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var src, month string
		var n int
		if err := rows.Scan(&src, &month, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %d", src, month, n))
	}
	want := []string{"gh 2026-10 2", "j 2026-09 1", "j 2026-10 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("item_events partitions (-want +got):\n%s", diff)
	}
	var nullMonth int
	if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s/items/**/*.parquet', hive_partitioning = true)
WHERE month IS NULL AND key = 'P-3'`, dir)).Scan(&nullMonth); err != nil {
		t.Fatal(err)
	}
	if nullMonth != 1 {
		t.Errorf("an item without created_at: %d rows with a NULL month, want 1", nullMonth)
	}
	var labels string
	if err := db.QueryRow(fmt.Sprintf(`SELECT labels::VARCHAR FROM read_parquet('%s/items/**/*.parquet', hive_partitioning = true)
WHERE key = 'P-1'`, dir)).Scan(&labels); err != nil {
		t.Fatal(err)
	}
	if labels != "[a, b]" {
		t.Errorf("labels read back as %s", labels)
	}
}

func TestShardsShareALayout(t *testing.T) {
	ctx := context.Background()
	st := fixture(t)
	db := st.DB()
	dir := t.TempDir()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, shard := range []string{"a", "a_b", "a"} { // a re-export of a replaces only a's files
		if _, err := export.Parquet(ctx, db, dir, now, export.Options{Shard: shard}); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []string{"items", "item_events", "findings"} {
		var stored, read int64
		db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&stored)
		q := fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s/%s/**/*.parquet', hive_partitioning = true)`, dir, table)
		if err := db.QueryRow(q).Scan(&read); err != nil {
			t.Fatal(err)
		}
		if read != 2*stored {
			t.Errorf("%s: read %d rows from two shards, want 2 x %d", table, read, stored)
		}
	}
	for _, f := range []string{"manifest-a.json", "manifest-a_b.json", "findings/a.parquet", "findings/a_b.parquet"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := export.Parquet(ctx, db, dir, now, export.Options{Shard: "../x"}); err == nil {
		t.Error("shard ../x accepted")
	}
}
