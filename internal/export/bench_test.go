package export_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/export"
	"github.com/systemic-dev/systemic/internal/store"
)

// BenchmarkParquet exports a store of 100k items and 1M events over two
// sources and 24 months (filled by SQL, not through connectors).
func BenchmarkParquet(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "big.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for _, q := range []string{
		`INSERT INTO items (item_id, source, kind, key, title, status, created_at, labels)
SELECT 'src' || (i % 2) || ':' || i, 'src' || (i % 2), 'issue', 'K-' || i, 'title ' || i, 'Done',
	TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_minutes(i * 10), ['a', 'b']
FROM range(100000) t(i)`,
		`INSERT INTO item_events (event_id, item_id, occurred_at, kind, to_value)
SELECT 'e' || i, 'src' || ((i // 10) % 2) || ':' || (i // 10), TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_minutes(i),
	'status', 'In Progress'
FROM range(1000000) t(i)`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	out := b.TempDir()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := export.Parquet(ctx, st.DB(), out, now, export.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
