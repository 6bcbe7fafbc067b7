package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// BenchmarkWrite measures the Appender path: transactions of 100 items
// (one search page) or 1,000 items (the batch a connector commits when pages
// queue up) with 20 events each, staged, upserted and committed with a
// cursor, into a file database. Reports rows/s for items and item_events.
func BenchmarkWrite(b *testing.B) {
	for _, perTx := range []int{100, 1000} {
		b.Run(fmt.Sprintf("items_per_tx=%d", perTx), func(b *testing.B) { benchWrite(b, perTx) })
	}
}

func benchWrite(b *testing.B, itemsPerPage int) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const eventsPerItem = 20
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		tx, err := st.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for i := range itemsPerPage {
			id := fmt.Sprintf("jira:%d", n*itemsPerPage+i)
			at := base.Add(time.Duration(n*itemsPerPage+i) * time.Minute)
			if err := tx.Put(store.Item{ItemID: id, Source: "jira", Kind: "issue", Key: fmt.Sprintf("PLAT-%d", n*itemsPerPage+i),
				Container: "PLAT", Title: "a story", Status: "In Progress", StatusCategory: "indeterminate",
				Labels: []string{"x"}, CreatedAt: &at, UpdatedAt: &at, AssigneeID: "jira/u1"}); err != nil {
				b.Fatal(err)
			}
			for e := range eventsPerItem {
				if err := tx.Put(store.Event{EventID: fmt.Sprintf("%s:%d", id, e), ItemID: id, OccurredAt: at.Add(time.Duration(e) * time.Hour),
					ActorID: "jira/u1", Kind: "status", FromValue: "To Do", ToValue: "In Progress", FromID: "1", ToID: "3"}); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := tx.SetCursor("jira", "issues", at(n), ""); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*itemsPerPage)/secs, "items/s")
	b.ReportMetric(float64(b.N*itemsPerPage*eventsPerItem)/secs, "events/s")
}

func at(n int) string { return fmt.Sprint(n) }
