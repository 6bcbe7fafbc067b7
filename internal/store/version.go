package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
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
	v, err := TablesVersion(ctx, s.db, inputTables...)
	if err != nil {
		return "", fmt.Errorf("data version: %w", err)
	}
	return v, nil
}

// TablesVersion fingerprints the named tables of db as DataVersion does
// the whole store: a row count and an order-independent hash of every row
// of each.
func TablesVersion(ctx context.Context, db *sql.DB, tables ...string) (string, error) {
	rels := make([][2]string, len(tables))
	for i, t := range tables {
		rels[i] = [2]string{t, t}
	}
	return fingerprint(ctx, db, rels)
}

// fingerprint hashes, per relation (a name and the FROM expression of its
// rows), the row count and the sum of the rows' hashes, so the result
// depends on the rows and not on their order; args fill the expressions'
// parameters.
func fingerprint(ctx context.Context, db *sql.DB, rels [][2]string, args ...any) (string, error) {
	parts := make([]string, len(rels))
	for i, r := range rels {
		parts[i] = fmt.Sprintf("SELECT '%s' AS t, count(*)::VARCHAR || ':' || coalesce(sum(hash(x))::VARCHAR, '0') AS v FROM %s x", r[0], r[1])
	}
	q := "SELECT string_agg(t || '=' || v, ';' ORDER BY t) FROM (" + strings.Join(parts, " UNION ALL ") + ")"
	var fp string
	if err := db.QueryRowContext(ctx, q, args...).Scan(&fp); err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(fp))
	return hex.EncodeToString(h[:8]), nil
}
