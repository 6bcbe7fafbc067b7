package store

import (
	"context"
	"fmt"
	"time"
)

// known is the set of items an analysis of a window ending at $1 knows
// about: those created before the window's end (or of unknown creation).
const known = `(SELECT item_id FROM items WHERE created_at IS NULL OR created_at < $1)`

// windowInputs is, per table, the rows an analysis of a window ending at
// $1 can read (see WindowInputs). Each query yields one fingerprint part.
var windowInputs = []struct{ table, rows string }{
	// Items: every column the analysis reads, which is all but updated_at
	// (touched by any later sync). An item's current status, team,
	// assignee, labels, ... are read for past windows too (the state of an
	// item without events, the category of its last interval), so a later
	// change to them changes the window's inputs.
	{"items", `(SELECT * EXCLUDE (updated_at) FROM items WHERE created_at IS NULL OR created_at < $1)`},
	// Events, reviews, requests, comments, pull requests: everything
	// before the window's end (lookbacks included), and every later row of
	// a known item: an interval open at the window's end (blocked, waiting
	// for a review or a decision) is measured up to the event that ends
	// it, which comes after the window.
	{"item_events", `(SELECT * FROM item_events WHERE occurred_at < $1 OR item_id IN ` + known + `)`},
	{"pull_requests", `(SELECT * FROM pull_requests WHERE created_at IS NULL OR created_at < $1 OR item_id IN ` + known + `)`},
	{"reviews", `(SELECT * FROM reviews WHERE submitted_at IS NULL OR submitted_at < $1 OR item_id IN ` + known + `)`},
	{"review_requests", `(SELECT * FROM review_requests WHERE requested_at < $1 OR item_id IN ` + known + `)`},
	{"comments", `(SELECT * FROM comments WHERE created_at IS NULL OR created_at < $1 OR item_id IN ` + known + `)`},
	{"links", `(SELECT * FROM links WHERE created_at IS NULL OR created_at < $1
	OR from_item IN ` + known + ` OR to_item IN ` + known + `)`},
	// Sprints started before the end, and any later sprint a known item
	// was carried into, with their membership rows.
	{"sprints", `(SELECT * FROM sprints WHERE start_at IS NULL OR start_at < $1
	OR sprint_id IN (SELECT sprint_id FROM sprint_items WHERE item_id IN ` + known + `))`},
	{"sprint_items", `(SELECT * FROM sprint_items WHERE item_id IN ` + known + `
	OR sprint_id IN (SELECT sprint_id FROM sprints WHERE start_at IS NULL OR start_at < $1))`},
	// Who is who, who is in which team, what each status means: read
	// whole, as they are now, for every window.
	{"identities", "identities"}, {"people", "people"}, {"teams", "teams"},
	{"team_members", "team_members"}, {"team_ownership", "team_ownership"}, {"statuses", "statuses"},
	// Sources: only which kind each is (their sync times are not read).
	{"sources", "(SELECT name, kind FROM sources)"},
}

// WindowInputs fingerprints what an analysis of a window ending at to can
// read: a row count and an order-independent hash per table of the rows
// listed in windowInputs. It stays the same when a sync adds only work
// created after to (with its events, reviews and comments) or touches
// only what the analysis does not read (sync state, sync times,
// updated_at); anything else that changes, changes it. It is not a
// version of the whole store: see DataVersion for that.
func (s *Store) WindowInputs(ctx context.Context, to time.Time) (string, error) {
	rels := make([][2]string, len(windowInputs))
	for i, in := range windowInputs {
		rels[i] = [2]string{in.table, in.rows}
	}
	fp, err := fingerprint(ctx, s.db, rels, to.UTC())
	if err != nil {
		return "", fmt.Errorf("inputs of the window ending %s: %w", to.UTC().Format(time.RFC3339), err)
	}
	return fp, nil
}
