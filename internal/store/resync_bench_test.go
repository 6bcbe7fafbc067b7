package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/store"
)

// BenchmarkResync measures what a month's sync costs the store beyond its
// fetching: into the benchmark organisation (2M events), the full history
// of one item in 20 is written again through Tx.Put (a changed Jira issue
// brings its whole changelog; 100 items a transaction, as a search page),
// then the sync's Compact and the checkpoint that closing the store makes.
// Each upserted event deletes its stored copy, spread over the whole
// events table: this is where checkpoints that vacuum as they go would
// rewrite it every time.
func BenchmarkResync(b *testing.B) {
	if testing.Short() {
		b.Skip("fills 2M events")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := benchstore.Fill(ctx, st.DB(), 1); err != nil {
		b.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, "CHECKPOINT"); err != nil {
		b.Fatal(err)
	}
	cpu0 := benchstore.CPUSeconds()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		events, err := historiesOf(ctx, st.DB(), n)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for len(events) > 0 {
			page := events[:min(100, len(events))]
			events = events[len(page):]
			tx, err := st.Begin(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, item := range page {
				for _, e := range item {
					if err := tx.Put(e); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.Compact(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := st.DB().ExecContext(ctx, "CHECKPOINT"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric((benchstore.CPUSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	b.ReportMetric(benchstore.PeakMiB(), "peak-MiB")
}

// historiesOf reads the events of one item in 20 (a different twentieth
// for each n), grouped by item.
func historiesOf(ctx context.Context, db *sql.DB, n int) ([][]store.Event, error) {
	rows, err := db.QueryContext(ctx, `SELECT event_id, item_id, occurred_at, coalesce(actor_id, ''), kind, coalesce(field, ''),
	coalesce(from_value, ''), coalesce(to_value, ''), coalesce(from_id, ''), coalesce(to_id, '')
FROM item_events WHERE hash(item_id) % 20 = ? ORDER BY item_id, occurred_at`, n%20)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]store.Event
	for rows.Next() {
		var e store.Event
		if err := rows.Scan(&e.EventID, &e.ItemID, &e.OccurredAt, &e.ActorID, &e.Kind, &e.Field,
			&e.FromValue, &e.ToValue, &e.FromID, &e.ToID); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1][0].ItemID != e.ItemID {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], e)
	}
	return out, rows.Err()
}
