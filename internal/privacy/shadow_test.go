package privacy_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/store"
)

// realValues are every name, email, login and account id the shadow
// fixture holds: none may be reachable in the pseudonymised copy.
var realValues = []string{"alice-martin", "Alice Martin", "alice@acme.test", "Alice M",
	"5b10ac8d82e05b22cc7d4ef5", "alice-m", "bob-stone", "Bob Stone", "bob@acme.test", "bobs",
	"712020:aa11bb22", "Ghost User", "Nora Unknown", "99ffee:00aa"}

func shadowFixture(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, q := range []string{
		`INSERT INTO people VALUES ('alice-martin', 'Alice Martin', 'alice@acme.test', false),
			('bob-stone', 'Bob Stone', 'bob@acme.test', false)`,
		`INSERT INTO pseudonyms VALUES ('bob-stone', 7)`,
		`INSERT INTO identities VALUES
			('j/5b10ac8d82e05b22cc7d4ef5', 'j', '5b10ac8d82e05b22cc7d4ef5', NULL, 'alice@acme.test', 'Alice M', false, true, 'alice-martin'),
			('gh/3', 'gh', '3', 'alice-m', NULL, NULL, false, true, 'alice-martin'),
			('gh/4', 'gh', '4', 'bobs', 'bob@acme.test', 'Bob Stone', false, true, 'bob-stone'),
			('j/712020:aa11bb22', 'j', '712020:aa11bb22', NULL, NULL, 'Ghost User', false, false, NULL)`,
		`INSERT INTO teams VALUES ('platform')`,
		`INSERT INTO team_members VALUES ('platform', 'alice-martin', NULL, NULL)`,
		`INSERT INTO items (item_id, source, kind, key, title, assignee_id, reporter_id, team) VALUES
			('j:1', 'j', 'issue', 'PLAT-1', 'Rotate keys', 'j/5b10ac8d82e05b22cc7d4ef5', 'j/712020:aa11bb22', 'platform'),
			('gh:1', 'gh', 'pull_request', 'acme/api#1', 'Add limits', 'gh/99', NULL, 'platform')`,
		`INSERT INTO item_events VALUES
			('e1', 'j:1', '2026-10-01 10:00:00+00', 'j/712020:aa11bb22', 'change', 'assignee', 'Ghost User', 'Alice M',
			 '712020:aa11bb22', '5b10ac8d82e05b22cc7d4ef5'),
			('e2', 'j:1', '2026-10-02 10:00:00+00', NULL, 'change', 'assignee', 'Alice M', 'Nora Unknown',
			 '5b10ac8d82e05b22cc7d4ef5', '99ffee:00aa'),
			('e3', 'j:1', '2026-10-03 10:00:00+00', NULL, 'change', 'status', 'To Do', 'Nora', '1', '3')`,
		`INSERT INTO runs (run_id, started_at, finished_at, from_ts, to_ts, config_hash) VALUES ('r1', now(), now(), now(), now(), 'h')`,
		`INSERT INTO findings VALUES ('r1', 'wip_overload', 'warning', 'platform', 'person', 'alice-martin', 1,
			'Works on many items', '{"people": ["alice-martin", "zed"], "items": [{"key": "PLAT-1", "note": "bob-stone"}]}')`,
		`INSERT INTO metrics VALUES ('r1', 'person', 'bob-stone', 'wip', '2026-10', 3, 1)`,
		`CREATE VIEW v_people AS SELECT person_id, display_name, email FROM people`,
		`CREATE VIEW v_items AS SELECT it.key, i.person_id AS assignee, it.team FROM items it
			LEFT JOIN identities i ON i.identity_id = it.assignee_id`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	return st, privacy.ShadowPath(st.Path())
}

func openShadow(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestShadowHoldsNoRealValue runs the queries that reached real values
// through result-side pseudonymisation, and dumps every table of the copy:
// no real name, email, login or account id is anywhere in it.
func TestShadowHoldsNoRealValue(t *testing.T) {
	ctx := context.Background()
	st, shadow := shadowFixture(t)
	if err := privacy.WriteShadow(ctx, st.DB(), shadow, "salt"); err != nil {
		t.Fatal(err)
	}
	db := openShadow(t, shadow)
	hostile := []string{
		`SELECT to_json(p)::VARCHAR FROM people p`,
		`SELECT upper(display_name) FROM identities`,
		`SELECT string_agg(email, ',') FROM people`,
		`SELECT p::VARCHAR FROM identities p`,
		`SELECT concat(login, ' ') FROM identities`,
		`SELECT display_name AS who FROM identities`,
		`SELECT external_id AS x FROM identities`,
		`SELECT from_value || from_id || to_value || to_id FROM item_events`,
		`SELECT evidence::VARCHAR FROM findings`,
	}
	var tables []string
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	for _, name := range tables {
		hostile = append(hostile, fmt.Sprintf(`SELECT to_json(t)::VARCHAR FROM %q t`, name))
	}
	for _, q := range hostile {
		got := dump(t, db, q)
		for _, real := range realValues {
			if strings.Contains(got, real) {
				t.Errorf("%s reaches %q:\n%s", q, real, got)
			}
		}
	}
}

// TestShadowPseudonymsMatchReports checks the copy names each person by
// the pseudonym FromDB gives (the reports' numbering), and keeps joins.
func TestShadowPseudonymsMatchReports(t *testing.T) {
	ctx := context.Background()
	st, shadow := shadowFixture(t)
	p, err := privacy.FromDB(ctx, st.DB(), "salt")
	if err != nil {
		t.Fatal(err)
	}
	if err := privacy.WriteShadow(ctx, st.DB(), shadow, "salt"); err != nil {
		t.Fatal(err)
	}
	db := openShadow(t, shadow)
	checks := []struct{ q, want string }{
		{`SELECT person_id FROM people WHERE person_id <> $1 ORDER BY 1`, p.Name("alice-martin")},
		{`SELECT display_name FROM people WHERE person_id = $1`, p.Name("bob-stone")},
		{`SELECT assignee FROM v_items WHERE key = 'PLAT-1'`, p.Name("alice-martin")},
		{`SELECT i.person_id FROM items it JOIN identities i ON i.identity_id = it.assignee_id WHERE key = 'PLAT-1'`, p.Name("alice-martin")},
		{`SELECT assignee_id FROM items WHERE key = 'acme/api#1'`, p.Name("gh/99")},
		{`SELECT subject FROM findings`, p.Name("alice-martin")},
		{`SELECT scope FROM metrics`, "person-7"},
		{`SELECT team FROM team_members`, "platform"},
		{`SELECT to_value FROM item_events WHERE event_id = 'e2'`, p.Name("Nora Unknown")},
		{`SELECT to_value FROM item_events WHERE event_id = 'e3'`, "Nora"},
		{`SELECT count(*)::VARCHAR FROM information_schema.tables WHERE table_name = 'pseudonyms'`, "0"},
	}
	for _, c := range checks {
		if got := dump(t, db, c.q, p.Name("bob-stone")); got != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
	if got := dump(t, db, `SELECT evidence->>'$.people[1]' FROM findings`); got != p.Name("zed") {
		t.Errorf("unknown person in evidence = %q, want %q", got, p.Name("zed"))
	}
}

func dump(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	if !strings.Contains(q, "$1") {
		args = nil
	}
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	return strings.Join(out, "\n")
}
