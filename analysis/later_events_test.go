package analysis_test

import (
	"context"
	"go/scanner"
	"go/token"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// TestLaterEventsOfOtherKinds holds the analysis to the promise the
// window inputs make (store.IntervalEventKinds): after a window's end it
// reads events of those kinds only, and no comment. Later events of any
// other kind and later comments, on items the window knows (some by a
// newcomer nothing before names), must leave as they were the window's
// inputs, its findings and metrics analysed again from nothing, and the
// stable tables built again from nothing. The other kinds tried are every
// quoted word in the analysis's SQL and Go source (any of them could be
// compared with a kind somewhere) and what trackers record all the time: a
// stable definition that comes to read another kind fails here until the
// kind is added to store.IntervalEventKinds. A module that read events
// after its window's end would fail only where that changes this month's
// findings (the demo's items already have later events of their own, so a
// module reading activity unbounded is not caught): modules read events up
// to the as-of time (handoff_churn, stalled_commitment), and the derived
// facts for anything after it.
func TestLaterEventsOfOtherKinds(t *testing.T) {
	kinds := otherKinds(t)
	if len(kinds) < 25 {
		t.Fatalf("only %d other kinds found in the analysis's source: %v", len(kinds), kinds)
	}
	if testing.Short() {
		t.Skip("generates and syncs the demo organisation")
	}
	// the demo organisation, where every pattern is planted, over a month
	// that ended two months before its last day
	spec := synth.DefaultSpec()
	st, cfg, plan, _ := recallOrg(t, spec)
	ctx := context.Background()
	last := time.Date(spec.End.Year(), spec.End.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -2, 0)
	env := analysis.Env{Thresholds: cfg.Thresholds, States: cfg.States, Calendar: cfg.Calendar,
		From: last.AddDate(0, -1, 0), To: last, Now: spec.End, Agreements: analysis.PlanAgreements(plan),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	analyze := func() string {
		t.Helper()
		sum, err := analysis.Analyze(ctx, st, analysis.Options{Env: env})
		if err != nil {
			t.Fatal(err)
		}
		return goldenText(t, st, sum)
	}
	stable := stableTables(t, st)
	snapshot := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, name := range stable {
			var fp string
			if err := st.DB().QueryRowContext(ctx, `SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(t))::VARCHAR, '') FROM `+name+` t`).Scan(&fp); err != nil {
				t.Fatal(err)
			}
			out[name] = fp
		}
		return out
	}
	before := analyze()
	tablesBefore := snapshot()
	inputsBefore, err := st.WindowInputs(ctx, env.To)
	if err != nil {
		t.Fatal(err)
	}

	// every kind on the items the window knows, a day after it and a day
	// after the organisation's last (after all their own events), by the
	// item's assignee
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO item_events
SELECT 'later-' || k.i || '-' || it.item_id || '-' || d.n, it.item_id, d.ts, it.assignee_id,
	k.kind, k.kind, 'a', 'b', '1', '2'
FROM (SELECT unnest($2::VARCHAR[]) AS kind, generate_subscripts($2::VARCHAR[], 1) AS i) k
CROSS JOIN (
	(SELECT * FROM items WHERE created_at < $1 ORDER BY hash(item_id) LIMIT 40)
	UNION -- and 40 opened in the window's last weeks, most still in progress at its end
	(SELECT * FROM items WHERE created_at < $1 AND created_at >= $1::TIMESTAMPTZ - INTERVAL 21 DAY ORDER BY hash(item_id) LIMIT 40)
	UNION -- and up to 400 in work for a week or more at its end, oldest first, which stalled work ages
	(SELECT * FROM items WHERE item_id IN (SELECT item_id FROM v_status_intervals_stable
		WHERE state_class NOT IN ('new', 'done') AND start_at < $1::TIMESTAMPTZ - INTERVAL 7 DAY AND (end_at IS NULL OR end_at > $1)
		ORDER BY start_at LIMIT 400))) it
CROSS JOIN (VALUES (1, $1::TIMESTAMPTZ + INTERVAL 1 DAY), (2, $3::TIMESTAMPTZ + INTERVAL 1 DAY)) d(n, ts)`, env.To, kinds, spec.End); err != nil {
		t.Fatal(err)
	}
	// and a newcomer nothing before names, re-ranking some of them
	for _, q := range []string{
		`INSERT INTO people (person_id, display_name) VALUES ('p-later', 'Later Newcomer')`,
		`INSERT INTO identities (identity_id, source, external_id, display_name, person_id)
SELECT source || '/later', source, 'later', 'Later Newcomer', 'p-later' FROM (SELECT DISTINCT source FROM items)`,
		`INSERT INTO item_events SELECT 'later-new-' || item_id, item_id, $1::TIMESTAMPTZ + INTERVAL 2 DAY, source || '/later',
	'rank', 'rank', NULL, 'Ranked higher', NULL, NULL
FROM items WHERE created_at < $1 ORDER BY hash(item_id) LIMIT 40`,
		// and comments on 200 of them, by the newcomer and by their assignees
		`INSERT INTO comments SELECT 'later-c-' || item_id || '-' || n, item_id, CASE n WHEN 1 THEN source || '/later' ELSE assignee_id END,
	$1::TIMESTAMPTZ + to_days(n), 'comment'
FROM (SELECT * FROM items WHERE created_at < $1 ORDER BY hash(item_id) LIMIT 200) CROSS JOIN range(1, 3) r(n)`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, env.To)
		}
		if _, err := st.DB().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	inputsAfter, err := st.WindowInputs(ctx, env.To)
	if err != nil {
		t.Fatal(err)
	}
	if inputsAfter != inputsBefore {
		t.Errorf("later events of other kinds changed the closed window's inputs")
	}
	// from nothing: no stored run, no stable table kept
	if _, err := st.DB().ExecContext(ctx, "DELETE FROM derived_builds; DELETE FROM runs"); err != nil {
		t.Fatal(err)
	}
	if after := analyze(); after != before {
		t.Errorf("later events of other kinds changed the window's findings or metrics:\n%s", firstDifference(before, after))
	}
	for name, fp := range snapshot() {
		if fp != tablesBefore[name] {
			t.Errorf("later events of other kinds changed %s built from nothing: %s, was %s", name, fp, tablesBefore[name])
		}
	}
}

// otherKinds are the quoted words of the analysis's non-test source (its
// SQL files and Go files) and a few kinds trackers record all the time,
// less store.IntervalEventKinds.
func otherKinds(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sqlFiles, err := filepath.Glob(filepath.Join("sql", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	word := regexp.MustCompile(`'([a-z][a-z_]*(?: [a-z]+)?)'`)
	seen := map[string]bool{"rank": true, "description": true, "summary": true, "priority": true, "sprint": true,
		"comment": true, "commented": true, "story points": true, "fix version": true, "resolution": true}
	for _, f := range append(files, sqlFiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range word.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	var out []string
	for k := range seen {
		if !slices.Contains(store.IntervalEventKinds, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// firstDifference is the first line where two golden texts differ.
func firstDifference(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "was: " + la[i] + "\nnow: " + lb[i]
		}
	}
	return "the number of lines differs"
}

// TestItemColumnsUnread checks the promise store.ItemColumnsUnread makes:
// no module or derived fact of the analysis names those columns of items
// (in its SQL: the Go string literals that hold SQL and the sql/ files
// without their comments), but the v_items view that shows them. A later change to them
// (backlog grooming) then leaves closed windows and the shared tables
// alone.
func TestItemColumnsUnread(t *testing.T) {
	texts := map[string]string{} // file: its SQL text
	goFiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var s scanner.Scanner
		fset := token.NewFileSet()
		s.Init(fset.AddFile(f, -1, len(src)), src, nil, 0)
		var lits []string
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.STRING && (strings.Contains(lit, "SELECT") || strings.Contains(lit, "FROM ") || strings.Contains(lit, "WHERE ")) {
				lits = append(lits, lit) // SQL, not a sentence of a finding
			}
		}
		texts[f] = strings.Join(lits, "\n")
	}
	sqlFiles, err := filepath.Glob(filepath.Join("sql", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sqlFiles {
		if filepath.Base(f) == "v_items.sql" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if i := strings.Index(l, "--"); i >= 0 {
				l = l[:i]
			}
			lines = append(lines, l)
		}
		texts[f] = strings.Join(lines, "\n")
	}
	if len(texts) < 30 {
		t.Fatalf("only %d files of SQL read", len(texts))
	}
	for _, col := range store.ItemColumnsUnread {
		word := regexp.MustCompile(`\b` + col + `\b`)
		for f, text := range texts {
			if word.MatchString(text) {
				t.Errorf("%s names items.%s, which store.ItemColumnsUnread says no analysis reads: take it off that list", f, col)
			}
		}
	}
}
