package query_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/golden"
	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
)

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// fixture builds the hand-made organisation in a database file and opens
// it read-only, as `systemic query` does.
func fixture(t *testing.T) (*store.Store, *privacy.Pseudonymizer) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fixture.duckdb")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("testdata/fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, string(script)); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	st.Close()
	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	p, err := privacy.FromDB(ctx, ro.DB(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return ro, p
}

func ask(t *testing.T, db *sql.DB, p *privacy.Pseudonymizer, name string, params query.Params) *query.Result {
	t.Helper()
	q, ok := query.Lookup(name)
	if !ok {
		t.Fatalf("no question %s", name)
	}
	if params.Now.IsZero() {
		params.Now = now
	}
	res, err := query.Run(context.Background(), db, q, params)
	if err != nil {
		t.Fatal(err)
	}
	if p != nil {
		res.Pseudonymise(p)
	}
	return res
}

func TestEveryQuestionGolden(t *testing.T) {
	st, p := fixture(t)
	for _, q := range query.Questions() {
		t.Run(q.Name, func(t *testing.T) {
			res := ask(t, st.DB(), p, q.Name, query.Params{Limit: -1})
			if len(res.Rows) == 0 {
				t.Fatalf("%s returned no rows", q.Name)
			}
			var b bytes.Buffer
			if err := query.Write(&b, res, "table", 0); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, q.Name+".golden", b.Bytes())
		})
	}
}

func TestEveryFormatGolden(t *testing.T) {
	st, p := fixture(t)
	res := ask(t, st.DB(), p, "review-load", query.Params{Limit: -1})
	findings := ask(t, st.DB(), p, "findings", query.Params{Limit: -1})
	carry := ask(t, st.DB(), p, "carryover", query.Params{Limit: -1})
	items, err := query.RunSQL(context.Background(), st.DB(),
		"SELECT key, created_at, resolved_at, labels, story_points, assignee, title FROM v_items ORDER BY key")
	if err != nil {
		t.Fatal(err)
	}
	items.Pseudonymise(p)
	for _, format := range query.Formats {
		t.Run(format, func(t *testing.T) {
			for name, r := range map[string]*query.Result{"review-load": res, "findings": findings, "carryover": carry, "items": items} {
				var b bytes.Buffer
				if err := query.Write(&b, r, format, 0); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, name+"."+format, b.Bytes())
			}
		})
	}
	t.Run("narrow table", func(t *testing.T) {
		var b bytes.Buffer
		if err := query.Write(&b, findings, "table", 72); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
			if n := len([]rune(line)); n > 72 {
				t.Errorf("line of %d runes exceeds 72: %q", n, line)
			}
		}
		golden.Check(t, "findings.narrow", b.Bytes())
		b.Reset()
		if err := query.Write(&b, res, "table", 60); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"21.6", "3.58", "0.571", "0.143"} {
			if !strings.Contains(b.String(), n) {
				t.Errorf("number %s was cut in a narrow table:\n%s", n, b.String())
			}
		}
		golden.Check(t, "review-load.narrow", b.Bytes())
	})
	t.Run("unknown", func(t *testing.T) {
		if err := query.Write(&bytes.Buffer{}, res, "xml", 0); err == nil {
			t.Error("format xml accepted")
		}
	})
}

// cell returns column col of every row, as text.
func cell(res *query.Result, col string) []string {
	for i, c := range res.Columns {
		if c.Name == col {
			var out []string
			for _, row := range res.Rows {
				out = append(out, query.Text(row[i]))
			}
			return out
		}
	}
	return nil
}

func TestQuestionParameters(t *testing.T) {
	st, p := fixture(t)
	oct := query.Params{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Limit: -1}
	sep := query.Params{From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Limit: -1}
	tests := []struct {
		name     string
		question string
		params   query.Params
		names    bool // no pseudonyms
		column   string
		want     []string
	}{
		{"bottleneck first", "review-load", query.Params{Limit: -1}, true, "reviewer", []string{"bob", "alice", "carol", "team:growth"}},
		{"pseudonyms", "review-load", query.Params{Limit: 1}, false, "reviewer", []string{p.Name("bob")}},
		{"team", "review-load", query.Params{Team: "growth", Limit: -1}, true, "reviewer", []string{"carol", "team:growth"}},
		{"period", "review-load", sep, true, "reviewer", []string{"carol"}},
		{"open requests", "review-load", oct, true, "open_requests", []string{"1", "0", "0"}},
		{"share", "review-load", oct, true, "share", []string{"0.667", "0.167", "0.167"}},
		{"pairs", "who-waits-on-whom", oct, true, "waits_on_team", []string{"platform", "platform", "growth"}},
		{"pairs of a team", "who-waits-on-whom", query.Params{Team: "growth", Limit: -1}, true, "blocked_waits", []string{"2", "0", "0"}},
		{"carryover in september", "carryover", sep, true, "key", []string{"PLAT-101", "PLAT-102"}},
		{"carryover after", "carryover", query.Params{From: time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), Limit: -1}, true, "key", nil},
		{"blocked", "blocked-by-team", query.Params{Team: "growth", Limit: -1}, true, "blocked_by", []string{"platform", "(flag)"}},
		{"decisions", "decision-latency", oct, true, "decider", []string{"carol", "dave"}},
		{"decisions open", "decision-latency", oct, true, "open_decisions", []string{"1", "0"}},
		{"aging", "aging-wip", query.Params{Limit: -1}, true, "key", []string{"PLAT-101", "GROW-201", "acme/api#7"}},
		{"aging limit", "aging-wip", query.Params{Limit: 1}, true, "age_days", []string{"58.63"}},
		{"findings", "findings", query.Params{Limit: -1}, true, "pattern", []string{"approval_bottleneck", "decision_latency", "dependency_delay"}},
		{"findings pattern", "findings", query.Params{Pattern: "decision_latency", Limit: -1}, false, "subject", []string{p.Name("carol")}},
		{"findings of a run", "findings", sep, true, "summary", []string{"older run"}},
		{"health six periods", "health-trend", query.Params{Team: "platform", Limit: -1}, true, "period",
			[]string{"2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"}},
		{"health up to", "health-trend", query.Params{Team: "platform", To: sep.To, Limit: -1}, true, "period",
			[]string{"2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pp := p
			if tt.names {
				pp = nil
			}
			got := cell(ask(t, st.DB(), pp, tt.question, tt.params), tt.column)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.column, diff)
			}
		})
	}
}

func TestShowSQL(t *testing.T) {
	q, _ := query.Lookup("review-load")
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	p := query.Params{Team: "plat'form", From: from, To: from.AddDate(0, 1, 0), Limit: -1, Now: now}
	golden.Check(t, "review-load.sql", []byte(q.ShowSQL(p)))
}

func TestListQuestions(t *testing.T) {
	var b bytes.Buffer
	if err := query.Write(&b, query.QuestionsResult(), "table", 0); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "list.golden", b.Bytes())
	for _, name := range []string{"review-load", "who-waits-on-whom", "carryover", "blocked-by-team",
		"decision-latency", "aging-wip", "findings", "health-trend"} {
		if !strings.Contains(b.String(), name) {
			t.Errorf("--list misses %s", name)
		}
	}
}

func TestRawSQLPseudonyms(t *testing.T) {
	st, p := fixture(t)
	res, err := query.RunSQL(context.Background(), st.DB(), `SELECT i.*, f.evidence FROM identities i
LEFT JOIN v_findings f ON f.subject = i.person_id AND f.pattern = 'approval_bottleneck' AND f.severity = 'critical'
ORDER BY identity_id`)
	if err != nil {
		t.Fatal(err)
	}
	res.Pseudonymise(p)
	var b bytes.Buffer
	if err := query.Write(&b, res, "table", 0); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "identities.golden", b.Bytes())
	for _, secret := range []string{"alice", "bob", "Alice", "Bob", "stone"} {
		if strings.Contains(b.String(), secret) {
			t.Errorf("%q shows without --names:\n%s", secret, b.String())
		}
	}
}

// TestRawSQLRenamedPersonColumns: a person column renamed by AS, or a
// person id picked out of another column, is pseudonymised all the same.
func TestRawSQLRenamedPersonColumns(t *testing.T) {
	st, p := fixture(t)
	res, err := query.RunSQL(context.Background(), st.DB(), `SELECT person_id AS who, display_name AS shown, login || '' AS handle
FROM v_identity ORDER BY identity_id`)
	if err != nil {
		t.Fatal(err)
	}
	res.Pseudonymise(p)
	var b bytes.Buffer
	if err := query.Write(&b, res, "csv", 0); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"alice", "bob", "Alice", "Bob", "stone"} {
		if strings.Contains(b.String(), secret) {
			t.Errorf("%q shows without --names:\n%s", secret, b.String())
		}
	}
}

// TestShowSQLRuns runs every question's --show-sql script the way a DuckDB
// shell would and expects the rows Run returns.
func TestShowSQLRuns(t *testing.T) {
	st, _ := fixture(t)
	ctx := context.Background()
	for _, q := range query.Questions() {
		t.Run(q.Name, func(t *testing.T) {
			params := query.Params{Team: "platform", Limit: -1, Now: now}
			want := ask(t, st.DB(), nil, q.Name, params)
			conn, err := st.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			script := q.ShowSQL(params)
			i := strings.LastIndex(script, "EXECUTE ")
			if _, err := conn.ExecContext(ctx, script[:i]); err != nil {
				t.Fatalf("PREPARE: %v\n%s", err, script)
			}
			rows, err := conn.QueryContext(ctx, script[i:])
			if err != nil {
				t.Fatalf("EXECUTE: %v\n%s", err, script[i:])
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			if n != len(want.Rows) {
				t.Errorf("script gave %d rows, Run %d", n, len(want.Rows))
			}
		})
	}
}
