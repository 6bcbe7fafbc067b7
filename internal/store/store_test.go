package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

func openTemp(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "systemic.duckdb")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func page(t *testing.T, s *store.Store, rows []store.Row, cursor string) {
	t.Helper()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, r := range rows {
		if err := tx.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.SetCursor("jira", "issues", cursor, ""); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sampleRows() []store.Row {
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.FixedZone("x", 8*3600))
	pts := 3.0
	return []store.Row{
		store.Item{ItemID: "jira:1", Source: "jira", Kind: "issue", Key: "PLAT-1", Title: "one", Labels: []string{"a", "b"}, CreatedAt: &now, StoryPoints: &pts},
		store.Item{ItemID: "jira:2", Source: "jira", Kind: "issue", Key: "PLAT-2", Title: "two", CreatedAt: &now},
		store.Event{EventID: "h1:0", ItemID: "jira:1", OccurredAt: now, Kind: "status", FromValue: "To Do", ToValue: "In Progress"},
		store.Event{EventID: "h1:0", ItemID: "jira:1", OccurredAt: now, Kind: "status", FromValue: "To Do", ToValue: "Done"},
		store.Identity{Source: "jira", ExternalID: "u1", DisplayName: "Alice"},
	}
}

func TestPageUpsertIsIdempotent(t *testing.T) {
	s, _ := openTemp(t)
	page(t, s, sampleRows(), "c1")
	page(t, s, sampleRows(), "c1")
	if got := count(t, s, "items"); got != 2 {
		t.Errorf("items = %d, want 2", got)
	}
	if got := count(t, s, "item_events"); got != 1 {
		t.Errorf("item_events = %d, want 1", got)
	}
	var to string
	var at time.Time
	if err := s.DB().QueryRow("SELECT to_value, occurred_at FROM item_events").Scan(&to, &at); err != nil {
		t.Fatal(err)
	}
	if to != "Done" {
		t.Errorf("last staged row should win: to_value = %q", to)
	}
	if !at.Equal(time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)) || at.Location() != time.UTC {
		t.Errorf("occurred_at = %v, want 2026-10-01 01:00 UTC", at)
	}
	c, _, err := s.Cursor(context.Background(), "jira", "issues")
	if err != nil || c != "c1" {
		t.Errorf("cursor = %q, %v", c, err)
	}
}

func TestRollbackLeavesNothing(t *testing.T) {
	s, _ := openTemp(t)
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleRows() {
		if err := tx.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.SetCursor("jira", "issues", "c9", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SELECT 1"); err != nil { // merges staged rows into the tables
		t.Fatal(err)
	}
	tx.Rollback()
	for _, table := range []string{"items", "item_events", "identities", "sync_state"} {
		if got := count(t, s, table); got != 0 {
			t.Errorf("%s = %d rows after rollback, want 0", table, got)
		}
	}
	page(t, s, sampleRows(), "c2") // the store stays usable
	if got := count(t, s, "items"); got != 2 {
		t.Errorf("items = %d, want 2", got)
	}
}

// TestHelperOpen runs in a child process: it opens the file the parent
// holds, as a second sync would and as a query would (read-only).
func TestHelperOpen(t *testing.T) {
	path := os.Getenv("SYSTEMIC_TEST_DB")
	if path == "" {
		t.Skip("helper process only")
	}
	_, err := store.Open(context.Background(), path)
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("open in second process: err = %v, want ErrLocked", err)
	}
	fmt.Println(err)
	if _, err := store.OpenReadOnly(context.Background(), path); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("read-only open in second process: err = %v, want ErrLocked", err)
	}
}

func TestReopenAndReadOnly(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	page(t, s, sampleRows(), "c1")
	s.Close()

	s2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if v, _ := s2.Version(ctx); v != store.SchemaVersion {
		t.Errorf("version = %d, want %d", v, store.SchemaVersion)
	}
	if got := count(t, s2, "items"); got != 2 {
		t.Errorf("items after reopen = %d", got)
	}
	// A second writer in another process gets the clear error.
	cmd := exec.Command(os.Args[0], "-test.run=TestHelperOpen$")
	cmd.Env = append(os.Environ(), "SYSTEMIC_TEST_DB="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	want := "systemic.duckdb is in use by another process; wait for it or use a copy"
	if !strings.Contains(string(out), want) {
		t.Errorf("second process said %q, want it to contain %q", out, want)
	}
	s2.Close()

	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.DB().Exec("DELETE FROM items"); err == nil {
		t.Error("a read-only handle deleted rows")
	}
	if _, err := ro.Begin(ctx); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("Begin on read-only: %v", err)
	}
}

// TestCommitCancelled: a context cancelled while a page commits leaves
// nothing behind and no panic.
func TestCommitCancelled(t *testing.T) {
	s, _ := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleRows() {
		if err := tx.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := tx.Commit(); err == nil {
		t.Fatal("commit with a cancelled context succeeded")
	}
	tx.Rollback()
	if got := count(t, s, "items"); got != 0 {
		t.Errorf("items = %d after a failed commit", got)
	}
	page(t, s, sampleRows(), "c") // the writer slot was released
}

// TestIdentityKeepsKnownValues: an account seen later without its email
// (hidden, deactivated) keeps the email seen before.
func TestIdentityKeepsKnownValues(t *testing.T) {
	s, _ := openTemp(t)
	page(t, s, []store.Row{store.Identity{Source: "jira", ExternalID: "u1", Email: "a@acme.com", DisplayName: "Alice"}}, "")
	page(t, s, []store.Row{store.Identity{Source: "jira", ExternalID: "u1", DisplayName: "Alice M", Inactive: true}}, "")
	var email, name string
	var active bool
	if err := s.DB().QueryRow(`SELECT email, display_name, active FROM identities`).Scan(&email, &name, &active); err != nil {
		t.Fatal(err)
	}
	if email != "a@acme.com" || name != "Alice M" || active {
		t.Errorf("got %q %q active=%v", email, name, active)
	}
}

// TestConnectionsOutliveOpenContext checks that connections the pool opens
// after Open returned do not inherit Open's context: a store opened under a
// context that ends later (a timeout, Ctrl-C) must still record the outcome.
func TestConnectionsOutliveOpenContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cancel()
	held, err := st.DB().Conn(context.Background()) // takes the idle connection
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var tz string
	if err := st.DB().QueryRow(`SELECT current_setting('TimeZone')`).Scan(&tz); err != nil {
		t.Fatalf("query on a new connection after Open's context ended: %v", err)
	}
	if tz != "UTC" {
		t.Errorf("TimeZone = %q, want UTC", tz)
	}
}
