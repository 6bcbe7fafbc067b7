package store_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// TestSourceKeepsLastSuccess: a failed sync is recorded as the last
// attempt beside the last successful sync, which it leaves alone; a source
// whose first sync failed has no successful one.
func TestSourceKeepsLastSuccess(t *testing.T) {
	s, _ := openTemp(t)
	t1, t2 := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	page(t, s, []store.Row{
		store.Source{Name: "jira", Kind: "jira", LastSyncAt: &t1, LastStatus: "ok"},
		store.Source{Name: "gh", Kind: "github", LastSyncAt: &t1, LastStatus: "failed", LastError: "401 Unauthorized"},
	}, "1")
	page(t, s, []store.Row{store.Source{Name: "jira", Kind: "jira", LastSyncAt: &t2, LastStatus: "failed", LastError: "timeout"}}, "2")
	tests := []struct {
		name, status     string
		success, attempt string
	}{
		{"gh", "failed", "-", "2026-11-01 06:00"},
		{"jira", "failed", "2026-11-01 06:00", "2026-11-02 06:00"},
	}
	for _, tc := range tests {
		var ok, attempt sql.NullTime
		var status string
		if err := s.DB().QueryRow(`SELECT last_sync_at, last_attempt_at, last_status FROM sources WHERE name = ?`, tc.name).
			Scan(&ok, &attempt, &status); err != nil {
			t.Fatal(err)
		}
		if got := [3]string{nullTime(ok), nullTime(attempt), status}; got != [3]string{tc.success, tc.attempt, tc.status} {
			t.Errorf("%s: last success, attempt, status = %v; want %s, %s, %s", tc.name, got, tc.success, tc.attempt, tc.status)
		}
	}
}

func nullTime(t sql.NullTime) string {
	if !t.Valid {
		return "-"
	}
	return t.Time.UTC().Format("2006-01-02 15:04")
}
