package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// inputTables are the tables connectors write: everything an analysis
// reads. Analysis output (runs, metrics, findings, health_snapshots) and
// pseudonym numbers are left out, so writing results does not change the
// version of the data they were computed from. It holds every table
// WindowInputs reads (statuses and team ownership included), so a window's
// inputs are a function of the data version and the window's end.
var inputTables = []string{"sources", "sync_state", "identities", "people", "teams", "team_members",
	"items", "item_events", "sprints", "sprint_items", "links", "pull_requests", "reviews",
	"review_requests", "comments", "statuses", "team_ownership"}

// DataVersion fingerprints the stored tracker data: a row count and an
// order-independent hash of every row of every input table. Any insert,
// update or delete changes it; analysis results cached under one version
// are stale under another.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	parts := make([]string, len(inputTables))
	for i, t := range inputTables {
		parts[i] = fmt.Sprintf("SELECT '%s' AS t, count(*)::VARCHAR || ':' || coalesce(sum(hash(x))::VARCHAR, '0') AS v FROM %s x", t, t)
	}
	q := "SELECT string_agg(t || '=' || v, ';' ORDER BY t) FROM (" + strings.Join(parts, " UNION ALL ") + ")"
	var fp string
	if err := s.db.QueryRowContext(ctx, q).Scan(&fp); err != nil {
		return "", fmt.Errorf("data version: %w", err)
	}
	h := sha256.Sum256([]byte(fp))
	return hex.EncodeToString(h[:8]), nil
}
