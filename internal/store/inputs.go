package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// windowInputs is, per table, every row with its hash h and since: a row
// is read by an analysis of a window ending at E when since < E
// ('-infinity': by every window; NULL: by none). knownSince is when an
// item becomes known: its creation ('-infinity' when unknown), NULL for a
// row whose item is not stored.
//
//   - Items: every column the analysis reads (ItemsAsRead: all but
//     updated_at, touched by any later sync, and the descriptive columns
//     only the v_items view shows), from their creation. An item's current
//     status, team, assignee, labels, ... are read for past windows too
//     (the state of an item without events, the category of its last
//     interval), so a later change to them changes the window's inputs.
//   - Events, reviews, requests, comments, pull requests: everything
//     dated before the window's end (lookbacks included), and every later
//     row of a known item: an interval open at the window's end (blocked,
//     waiting for a review or a decision) is measured up to the event that
//     ends it, which comes after the window. Of the events, only those of
//     the kinds that open or end an interval (IntervalEventKinds) count
//     later: a later rank, description or sprint change of an old issue,
//     which a tracker records all the time, leaves a closed window alone.
//     Comments count from their date only, as the analysis reads them as
//     activity up to the as-of time.
//     An undated row is read by every window. Links count from either
//     end's item.
//   - Sprints started before the end, and any later sprint a known item
//     was carried into, with their membership rows.
//   - Who is who: an identity (with its person) from the first row a
//     window reads that names the person, so someone who joins later does
//     not change a closed window (identitySince).
//   - Who is in which team, what each status means: read whole, as they
//     are now, by every window. Of the sources, only which kind each is
//     (their sync times are not read).
var windowInputs = []input{
	{"items", "", `SELECT hash(x) AS h, NULL::UBIGINT AS d, coalesce(x.created_at, '-infinity') AS since
	FROM ` + ItemsAsRead + ` x`},
	// events of other kinds from their own date (ownDate)
	{"item_events", "item_events", `SELECT r.h, r.h AS d, CASE WHEN r.kind IN ` + IntervalKindsSQL + ` AND r.at IS NOT NULL
		THEN least(r.at, k.since) ELSE ` + ownDate("r.at") + ` END AS since
	FROM (SELECT hash(x) AS h, item_id, occurred_at AS at, kind FROM item_events x) r LEFT JOIN known k USING (item_id)`},
	dated("pull_requests", "created_at"),
	dated("reviews", "submitted_at"),
	{"review_requests", "review_requests", `SELECT r.h, r.h AS d, least(r.at, k.since) AS since
	FROM (SELECT hash(x) AS h, item_id, requested_at AS at FROM review_requests x) r LEFT JOIN known k USING (item_id)`},
	// comments from their own date (ownDate): the analysis reads them as
	// activity up to the as-of time, never after a window's end
	{"comments", "comments", `SELECT hash(x) AS h, hash(x) AS d, ` + ownDate("x.created_at") + ` AS since FROM comments x`},
	{"links", "links", `SELECT r.h, r.h AS d, CASE WHEN r.at IS NULL THEN '-infinity' ELSE least(r.at, f.since, t.since) END AS since
	FROM (SELECT hash(x) AS h, from_item, to_item, created_at AS at FROM links x) r
	LEFT JOIN known f ON f.item_id = r.from_item LEFT JOIN known t ON t.item_id = r.to_item`},
	{"sprints", "sprints", `SELECT r.h, r.h AS d, CASE WHEN r.at IS NULL THEN '-infinity' ELSE least(r.at, m.since) END AS since
	FROM (SELECT hash(x) AS h, sprint_id, start_at AS at FROM sprints x) r
	LEFT JOIN (SELECT s.sprint_id, min(k.since) AS since FROM sprint_items s JOIN known k USING (item_id) GROUP BY ALL) m USING (sprint_id)`},
	{"sprint_items", "sprint_items", `SELECT r.h, r.h AS d, least(k.since, s.since) AS since
	FROM (SELECT hash(x) AS h, sprint_id, item_id FROM sprint_items x) r LEFT JOIN known k USING (item_id)
	LEFT JOIN (SELECT sprint_id, coalesce(start_at, '-infinity') AS since FROM sprints) s USING (sprint_id)`},
	// who is who: an identity from the first row a window reads that names
	// it or another identity of its person, a person from the first that
	// names one of theirs (identitySince); one nobody names, never
	{"identities", "identities", `SELECT hash(x) AS h, hash(x) AS d, least(s.since, p.since) AS since
	FROM identities x LEFT JOIN identity_since s ON s.id = x.identity_id
	LEFT JOIN person_since p ON p.person_id = coalesce(x.person_id, x.identity_id)`},
	{"people", "people", `SELECT hash(x) AS h, hash(x) AS d, p.since FROM people x LEFT JOIN person_since p USING (person_id)`},
	whole("teams"), whole("team_members"), whole("team_ownership"), whole("statuses"),
	{"sources", "", `SELECT hash(x) AS h, NULL::UBIGINT AS d, '-infinity'::TIMESTAMPTZ AS since FROM (SELECT name, kind FROM sources) x`},
	// rows the data version hashes whole (DataVersion) and windows read
	// in part or not at all
	{"", "items", `SELECT NULL::UBIGINT AS h, hash(x) AS d, NULL::TIMESTAMPTZ AS since FROM items x`},
	{"", "sources", `SELECT NULL::UBIGINT AS h, hash(x) AS d, NULL::TIMESTAMPTZ AS since FROM sources x`},
	{"", "sync_state", `SELECT NULL::UBIGINT AS h, hash(x) AS d, NULL::TIMESTAMPTZ AS since FROM sync_state x`},
}

// ItemColumnsUnread are the columns of items no analysis reads: updated_at
// (touched by any sync) and what describes an item without bearing on its
// flow (its title, priority, size, epic and parent, components and
// milestone, shown by the v_items view alone). A tracker changes them all
// the time in backlog grooming; they are left out of what a window reads
// (ItemsAsRead) and of what keeps the analysis's shared tables up. The
// analysis's tests check that no module or derived fact but v_items
// names them: one that comes to read a column must take it off here.
var ItemColumnsUnread = []string{"updated_at", "title", "priority", "story_points", "epic_key", "parent_key",
	"components", "milestone"}

// ItemsAsRead is the items table as the analysis reads it: every column
// but ItemColumnsUnread, as a parenthesised SELECT.
var ItemsAsRead = "(SELECT * EXCLUDE (" + strings.Join(ItemColumnsUnread, ", ") + ") FROM items)"

// IntervalEventKinds are the kinds of item_events that open or end an
// interval the analysis measures (status, assignment, label and flag
// intervals: its stable tables read these and no other kind). A window's
// inputs count a later event of a known item only when it is of one of
// these kinds; the analysis's tests check that it reads no other kind
// after a window's end, so a definition that comes to read another kind
// must add it here.
var IntervalEventKinds = []string{"status", "closed", "merged", "reopened", "assigned", "assignee",
	"labels", "labeled", "unlabeled", "flagged"}

// IntervalKindsSQL is IntervalEventKinds as a SQL list for IN: ('status', ...).
var IntervalKindsSQL = func() string {
	var q []string
	for _, k := range IntervalEventKinds {
		q = append(q, "'"+strings.ReplaceAll(k, "'", "''")+"'")
	}
	return "(" + strings.Join(q, ", ") + ")"
}()

// input is one table's rows (windowInputs): each row's hash h as windows
// read it, its hash d as the data version reads it (the whole row), and
// its since. window and data name the table in the windows' and the data
// version's fingerprints ("": not counted there).
type input struct{ window, data, rows string }

// dated reads a per-item table whose rows carry a date at, read before
// the window's end and for every known item (undated rows: always).
func dated(table, at string) input {
	return input{table, table, fmt.Sprintf(`SELECT r.h, r.h AS d, CASE WHEN r.at IS NULL THEN '-infinity' ELSE least(r.at, k.since) END AS since
	FROM (SELECT hash(x) AS h, item_id, %s AS at FROM %s x) r LEFT JOIN known k USING (item_id)`, at, table)}
}

// ownDate is the since of a row read from its own date alone: by the
// windows ending at or after it (stalled work reads activity up to and
// including the as-of time, so a row dated at a window's end counts for
// it), and by every window when undated.
func ownDate(at string) string {
	return fmt.Sprintf("CASE WHEN %[1]s IS NULL THEN '-infinity' ELSE %[1]s - INTERVAL 1 MICROSECOND END", at)
}

// whole reads a table whole for every window.
func whole(table string) input {
	return input{table, table, fmt.Sprintf(`SELECT hash(x) AS h, hash(x) AS d, '-infinity'::TIMESTAMPTZ AS since FROM %s x`, table)}
}

const knownSince = `known AS (SELECT item_id, coalesce(created_at, '-infinity') AS since FROM items)`

// identityRefs is the CTE identity_ref (id, item_id, since): every
// identity a row names, through every column an analysis reads one by (an
// item's assignee and reporter, an event's actor, the ids of an assignee
// change as v_wip_spans reads them, a pull request's author and merger, a
// reviewer, a requested reviewer, the requester, a comment's author), with
// the row's item and its since as windowInputs dates it (per identity and
// item, the earliest). It needs the known CTE. Window inputs date who is
// who by it (identitySince); the per-item upkeep finds the items a changed
// identity touches by it (IdentityRefsSQL). A definition that reads an
// identity through another column must add it here.
var identityRefs = `identity_ref AS (
	SELECT a.id, a.item_id, CASE WHEN a.interval_kind THEN least(a.at, k.since) ELSE ` + ownDate("a.at") + ` END AS since FROM (
		SELECT actor_id AS id, item_id, kind IN ` + IntervalKindsSQL + ` AS interval_kind, min(occurred_at) AS at
		FROM item_events WHERE actor_id IS NOT NULL GROUP BY ALL) a
	LEFT JOIN known k USING (item_id)
	UNION ALL SELECT CASE WHEN a.id LIKE it.source || '/%' THEN a.id ELSE it.source || '/' || a.id END, a.item_id,
		least(a.t, coalesce(it.created_at, '-infinity'))
	FROM (SELECT item_id, occurred_at AS t, unnest([from_id, to_id]) AS id FROM item_events WHERE kind = 'assignee') a
	JOIN items it USING (item_id) WHERE a.id IS NOT NULL
	UNION ALL SELECT unnest([assignee_id, reporter_id]), item_id, coalesce(created_at, '-infinity') FROM items
	UNION ALL SELECT unnest([p.author_id, p.merged_by_id]), p.item_id,
		CASE WHEN p.created_at IS NULL THEN '-infinity' ELSE least(p.created_at, k.since) END
	FROM pull_requests p LEFT JOIN known k USING (item_id)
	UNION ALL SELECT r.reviewer_id, r.item_id, CASE WHEN r.submitted_at IS NULL THEN '-infinity' ELSE least(r.submitted_at, k.since) END
	FROM reviews r LEFT JOIN known k USING (item_id)
	UNION ALL SELECT unnest([q.reviewer_id, q.requester_id]), q.item_id, least(q.requested_at, k.since)
	FROM review_requests q LEFT JOIN known k USING (item_id)
	UNION ALL SELECT c.author_id, c.item_id, ` + ownDate("c.created_at") + `
	FROM comments c
)`

// IdentityRefsSQL lists every identity a row names with the row's item
// (id, item_id, since; identityRefs).
var IdentityRefsSQL = "WITH " + knownSince + ", " + identityRefs + " SELECT id, item_id, since FROM identity_ref WHERE id IS NOT NULL"

// identitySince are the CTEs identity_since (id, since) and person_since
// (person_id, since): when a window first reads a row that names an
// identity (identityRefs), and a person (an identity without one is its
// own, as v_identity has it) from the first of their identities. It needs
// the known CTE.
var identitySince = identityRefs + `,
identity_since AS (SELECT id, min(since) AS since FROM identity_ref WHERE id IS NOT NULL GROUP BY id),
person_since AS (
	SELECT coalesce(i.person_id, i.identity_id) AS person_id, min(s.since) AS since
	FROM identities i JOIN identity_since s ON s.id = i.identity_id GROUP BY ALL)`

// WindowInputs fingerprints what an analysis of a window ending at to can
// read: a row count and an order-independent hash per table of the rows
// listed in windowInputs. It stays the same when a sync adds only work
// created after to (with its events, reviews and comments) or touches
// only what the analysis does not read (sync state, sync times,
// updated_at); anything else that changes, changes it. It is not a
// version of the whole store: see DataVersion for that.
func (s *Store) WindowInputs(ctx context.Context, to time.Time) (string, error) {
	_, fps, err := s.Versions(ctx, to)
	if err != nil {
		return "", err
	}
	return fps[to.UTC()], nil
}

// Versions is DataVersion and WindowInputs of windows ending at each of
// ends, in one pass over the store: each row is hashed once, counted
// toward the data version and toward every end after its since. It
// returns the data version and the windows' fingerprints by end (in UTC).
func (s *Store) Versions(ctx context.Context, ends ...time.Time) (data string, inputs map[time.Time]string, err error) {
	sorted := make([]time.Time, len(ends))
	for i, e := range ends {
		sorted[i] = e.UTC()
	}
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	sorted = slices.CompactFunc(sorted, time.Time.Equal)
	// Each row falls in the bucket of the first end it is read by (0:
	// none); the window ending at the k-th end reads buckets 1 to k, the
	// data version all of them.
	var bucket strings.Builder
	bucket.WriteString("CASE")
	args := make([]any, len(sorted))
	for i, e := range sorted {
		fmt.Fprintf(&bucket, " WHEN since < $%d THEN %d", i+1, i+1)
		args[i] = e
	}
	bucket.WriteString(" ELSE 0 END")
	var parts, windows, tables []string
	for _, in := range windowInputs {
		parts = append(parts, fmt.Sprintf("SELECT '%s' AS w, '%s' AS dt, %s AS b, count(*) AS c, sum(h) AS s, sum(d) AS sd FROM (%s) GROUP BY ALL",
			in.window, in.data, bucket.String(), in.rows))
		if in.window != "" {
			windows = append(windows, "('"+in.window+"')")
		}
		if in.data != "" {
			tables = append(tables, "('"+in.data+"')")
		}
	}
	q := fmt.Sprintf(`WITH %s, %s, b AS (%s)
SELECT 0 AS k, string_agg(t || '=' || v, ';' ORDER BY t) FROM (
	SELECT t.t, coalesce(sum(b.c), 0)::VARCHAR || ':' || coalesce(sum(b.sd)::VARCHAR, '0') AS v
	FROM (VALUES %s) t(t) LEFT JOIN b ON b.dt = t.t GROUP BY t.t)
UNION ALL
SELECT k, string_agg(t || '=' || v, ';' ORDER BY t) FROM (
	SELECT e.k, t.t, coalesce(sum(b.c), 0)::VARCHAR || ':' || coalesce(sum(b.s)::VARCHAR, '0') AS v
	FROM range(1, %d) e(k) CROSS JOIN (VALUES %s) t(t) LEFT JOIN b ON b.w = t.t AND b.b BETWEEN 1 AND e.k
	GROUP BY e.k, t.t)
GROUP BY k`, knownSince, identitySince, strings.Join(parts, " UNION ALL "), strings.Join(tables, ", "), len(sorted)+1, strings.Join(windows, ", "))
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return "", nil, fmt.Errorf("data version and window inputs: %w", err)
	}
	defer rows.Close()
	inputs = make(map[time.Time]string, len(sorted))
	for rows.Next() {
		var k int
		var fp string
		if err := rows.Scan(&k, &fp); err != nil {
			return "", nil, fmt.Errorf("data version and window inputs: %w", err)
		}
		h := sha256.Sum256([]byte(fp))
		if k == 0 {
			data = hex.EncodeToString(h[:8])
		} else {
			inputs[sorted[k-1]] = hex.EncodeToString(h[:8])
		}
	}
	if err := rows.Err(); err != nil {
		return "", nil, fmt.Errorf("data version and window inputs: %w", err)
	}
	return data, inputs, nil
}
