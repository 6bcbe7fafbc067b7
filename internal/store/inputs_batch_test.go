package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// referenceInputs is the plain statement of what a window ending at $1
// reads, table by table, as WindowInputs defined it before it was
// computed for many ends in one pass (who is who: the identities and
// people the rows it reads name).
const referenceKnown = `(SELECT item_id FROM items WHERE created_at IS NULL OR created_at < $1)`

// referenceKinds are the event kinds a window reads after its end.
var referenceKinds = store.IntervalKindsSQL

// referenceNamed are the identities the rows a window reads name.
var referenceNamed = `(
	SELECT actor_id FROM item_events WHERE (kind IN ` + referenceKinds + ` AND (occurred_at < $1 OR item_id IN ` + referenceKnown + `))
		OR (kind NOT IN ` + referenceKinds + ` AND occurred_at <= $1)
	UNION SELECT CASE WHEN a.id LIKE it.source || '/%' THEN a.id ELSE it.source || '/' || a.id END
	FROM (SELECT item_id, unnest([from_id, to_id]) AS id FROM item_events
		WHERE kind = 'assignee' AND (occurred_at < $1 OR item_id IN ` + referenceKnown + `)) a JOIN items it USING (item_id)
	UNION SELECT unnest([assignee_id, reporter_id]) FROM items WHERE created_at IS NULL OR created_at < $1
	UNION SELECT unnest([author_id, merged_by_id]) FROM pull_requests WHERE created_at IS NULL OR created_at < $1 OR item_id IN ` + referenceKnown + `
	UNION SELECT reviewer_id FROM reviews WHERE submitted_at IS NULL OR submitted_at < $1 OR item_id IN ` + referenceKnown + `
	UNION SELECT unnest([reviewer_id, requester_id]) FROM review_requests WHERE requested_at < $1 OR item_id IN ` + referenceKnown + `
	UNION SELECT author_id FROM comments WHERE created_at IS NULL OR created_at <= $1)`

var referenceInputs = [][2]string{
	{"items", `(SELECT * EXCLUDE (updated_at, title, priority, story_points, epic_key, parent_key, components, milestone) FROM items
	WHERE created_at IS NULL OR created_at < $1)`},
	{"item_events", `(SELECT * FROM item_events WHERE (kind IN ` + referenceKinds + ` AND (occurred_at < $1 OR item_id IN ` + referenceKnown + `))
	OR (kind NOT IN ` + referenceKinds + ` AND occurred_at <= $1))`},
	{"pull_requests", `(SELECT * FROM pull_requests WHERE created_at IS NULL OR created_at < $1 OR item_id IN ` + referenceKnown + `)`},
	{"reviews", `(SELECT * FROM reviews WHERE submitted_at IS NULL OR submitted_at < $1 OR item_id IN ` + referenceKnown + `)`},
	{"review_requests", `(SELECT * FROM review_requests WHERE requested_at < $1 OR item_id IN ` + referenceKnown + `)`},
	{"comments", `(SELECT * FROM comments WHERE created_at IS NULL OR created_at <= $1)`},
	{"links", `(SELECT * FROM links WHERE created_at IS NULL OR created_at < $1
	OR from_item IN ` + referenceKnown + ` OR to_item IN ` + referenceKnown + `)`},
	{"sprints", `(SELECT * FROM sprints WHERE start_at IS NULL OR start_at < $1
	OR sprint_id IN (SELECT sprint_id FROM sprint_items WHERE item_id IN ` + referenceKnown + `))`},
	{"sprint_items", `(SELECT * FROM sprint_items WHERE item_id IN ` + referenceKnown + `
	OR sprint_id IN (SELECT sprint_id FROM sprints WHERE start_at IS NULL OR start_at < $1))`},
	{"identities", `(SELECT * FROM identities WHERE identity_id IN ` + referenceNamed + `
	OR person_id IN (SELECT person_id FROM identities WHERE identity_id IN ` + referenceNamed + `))`},
	{"people", `(SELECT * FROM people WHERE person_id IN (SELECT person_id FROM identities WHERE identity_id IN ` + referenceNamed + `))`},
	{"teams", "teams"},
	{"team_members", "team_members"}, {"team_ownership", "team_ownership"}, {"statuses", "statuses"},
	{"sources", "(SELECT name, kind FROM sources)"},
}

func referenceFingerprint(t *testing.T, st *store.Store, end time.Time) string {
	t.Helper()
	parts := make([]string, len(referenceInputs))
	for i, r := range referenceInputs {
		parts[i] = fmt.Sprintf("SELECT '%s' AS t, count(*)::VARCHAR || ':' || coalesce(sum(hash(x))::VARCHAR, '0') AS v FROM %s x", r[0], r[1])
	}
	var fp string
	q := "SELECT string_agg(t || '=' || v, ';' ORDER BY t) FROM (" + strings.Join(parts, " UNION ALL ") + ")"
	if err := st.DB().QueryRow(q, end).Scan(&fp); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte(fp))
	return hex.EncodeToString(h[:8])
}

// TestVersionsMatchReference: the data version read in one pass with the
// fingerprints of many window ends equals DataVersion, and those equal the plain per-window statement of what each reads, on
// a store with undated rows, rows of items never stored, links between
// known and unknown items, undated sprints and ends that fall exactly on
// a creation time, before everything and after everything.
func TestVersionsMatchReference(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// at(n) spreads row n over 2026 in uneven steps; some rows are undated.
	const at = `TIMESTAMPTZ '2026-01-01' + to_hours(((%[1]s * 7919) %% 8000)::BIGINT)`
	day := func(n string) string { return fmt.Sprintf(at, n) }
	for _, q := range []string{
		`INSERT INTO sources (name, kind, last_sync_at) VALUES ('j', 'jira', now()), ('g', 'github', NULL)`,
		`INSERT INTO sync_state VALUES ('j', 'A', 'cursor', NULL, TIMESTAMPTZ '2026-11-05')`,
		`INSERT INTO people (person_id, display_name) VALUES ('p1', 'A'), ('p2', 'B'), ('p3', 'C'), ('p4', 'D')`,
		// j/1 acts, j/2 comments, j/5 is assigned by its bare id, g/1 is
		// p1's second account, nothing names j/3 (p3) or p4
		`INSERT INTO identities (identity_id, source, external_id, person_id) VALUES ('j/1', 'j', '1', 'p1'),
	('j/2', 'j', '2', 'p2'), ('j/3', 'j', '3', 'p3'), ('g/1', 'g', '1', 'p1'), ('j/5', 'j', '5', NULL)`,
		`INSERT INTO items (item_id, source, kind, key, status, team, created_at, updated_at)
SELECT 'i' || n, 'j', 'issue', 'A-' || n, 'Open', 't' || (n % 3), CASE WHEN n % 17 = 0 THEN NULL ELSE ` + day("n") + ` END, now()
FROM range(300) r(n)`,
		`INSERT INTO item_events SELECT 'e' || n, 'i' || (n % 350), ` + day("n * 3") + `, CASE WHEN n % 97 = 0 THEN 'j/1' END,
	'comment', NULL, NULL, NULL, NULL, NULL FROM range(2000) r(n)`,
		`INSERT INTO item_events SELECT 'a' || n, 'i' || (n * 37 % 300), ` + day("n * 41") + `, NULL, 'assignee', 'assignee',
	NULL, NULL, NULL, CASE WHEN n % 2 = 0 THEN '5' ELSE 'j/2' END FROM range(6) r(n)`,
		// status moves, which a window reads after its end for a known item
		`INSERT INTO item_events SELECT 's' || n, 'i' || (n * 7 % 340), ` + day("n * 5") + `, NULL, 'status', 'status',
	'Open', 'Done', NULL, NULL FROM range(300) r(n)`,
		`INSERT INTO pull_requests (item_id, repo, number, created_at)
SELECT 'i' || n, 'r', n, CASE WHEN n % 7 = 0 THEN NULL ELSE ` + day("n * 5") + ` END FROM range(0, 340, 3) r(n)`,
		`INSERT INTO reviews SELECT 'rv' || n, 'i' || (n % 330), NULL, 'APPROVED', CASE WHEN n % 9 = 0 THEN NULL ELSE ` + day("n * 11") + ` END FROM range(500) r(n)`,
		`INSERT INTO review_requests (request_id, item_id, requested_at) SELECT 'rq' || n, 'i' || (n % 320), ` + day("n * 13") + ` FROM range(400) r(n)`,
		`INSERT INTO comments SELECT 'c' || n, 'i' || (n % 360), CASE WHEN n = 450 THEN 'j/2' END,
	CASE WHEN n % 11 = 0 THEN NULL ELSE ` + day("n * 17") + ` END, NULL FROM range(600) r(n)`,
		`INSERT INTO links SELECT DISTINCT ON (f, t) 'i' || f, 'i' || t, 'blocks', CASE WHEN f % 13 = 0 THEN NULL ELSE ` + day("f * 19") + ` END, NULL
FROM (SELECT n % 340 AS f, (n * 7) % 330 AS t FROM range(300) r(n))`,
		`INSERT INTO sprints (sprint_id, source, start_at) SELECT 's' || n, 'j', CASE WHEN n % 5 = 0 THEN NULL ELSE ` + day("n * 23") + ` END FROM range(20) r(n)`,
		`INSERT INTO sprint_items (sprint_id, item_id) SELECT DISTINCT 's' || (n % 22), 'i' || (n % 330) FROM range(400) r(n)`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	var onCreation time.Time
	if err := st.DB().QueryRow(`SELECT created_at FROM items WHERE item_id = 'i5'`).Scan(&onCreation); err != nil {
		t.Fatal(err)
	}
	ends := []time.Time{
		time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		onCreation,
		time.Date(2026, 6, 15, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600)),
		time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), // twice
		time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	data, got, err := st.Versions(ctx, ends...)
	if err != nil {
		t.Fatal(err)
	}
	if want, err := st.DataVersion(ctx); err != nil || data != want {
		t.Errorf("data version read with the windows %q, alone %q (%v)", data, want, err)
	}
	seen := map[string]bool{}
	for _, end := range ends {
		want := referenceFingerprint(t, st, end)
		if got[end.UTC()] != want {
			t.Errorf("window ending %s: one pass gives %q, the per-window statement %q", end.UTC(), got[end.UTC()], want)
		}
		seen[want] = true
		one, err := st.WindowInputs(ctx, end)
		if err != nil || one != want {
			t.Errorf("WindowInputs(%s) = %q, %v; want %q", end.UTC(), one, err, want)
		}
	}
	if len(seen) < 5 {
		t.Errorf("only %d distinct fingerprints over %d ends: the store does not tell the windows apart", len(seen), len(ends))
	}
}
