package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/golden"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

func TestGenerateFixtureGolden(t *testing.T) {
	st := newFixture(t)
	dir := t.TempDir()
	res, err := reports.Generate(context.Background(), st, fixtureOptions(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 3 {
		t.Fatalf("files = %v", res.Files)
	}
	for _, name := range []string{"report.md", "report.json"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "fixture."+name, got)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	// Self-contained: nothing is fetched when the page opens.
	for _, ref := range []string{"<script", "<link", " src=", "@import", "url("} {
		if strings.Contains(string(page), ref) {
			t.Errorf("report.html contains %q", ref)
		}
	}
}

func TestGenerateOnEmptyStoreDegrades(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := fixtureOptions(t, t.TempDir())
	res, err := reports.Generate(ctx, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if len(r.Coverage.NotMeasured) == 0 {
		t.Error("no not-measured notes on an empty store")
	}
	for _, a := range r.Plan.Agreements {
		if a.Verdict != reports.Unknown {
			t.Errorf("agreement %s: verdict %q on an empty store", a.ID, a.Verdict)
		}
	}
	for _, g := range r.Plan.Goals {
		if g.Verdict != reports.Unknown {
			t.Errorf("goal %s: verdict %q on an empty store", g.ID, g.Verdict)
		}
	}
}

func TestGenerateSurvivesViewsOfAnotherShape(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	views := []string{"v_review_waits", "v_dependency_waits", "v_status_intervals", "v_people", "v_identity", "v_blocked", "v_wip", "v_pr_phases", "v_sprint_commitment"}
	for _, v := range views {
		sqlExec(t, st, "CREATE TABLE "+v+" AS SELECT 1 AS unexpected")
	}
	res, err := reports.Generate(ctx, st, fixtureOptions(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Report.Coverage.NotMeasured, "\n")
	for _, what := range []string{"review waits", "dependency waits", "sprint commitment", "decision rights", "agreement review-pickup"} {
		if !strings.Contains(notes, what+": not measured") {
			t.Errorf("no not-measured note for %s in:\n%s", what, notes)
		}
	}
}

func TestHealthSnapshotIsReplacedOnRerun(t *testing.T) {
	ctx := context.Background()
	st := newFixture(t)
	count := func() (n int) {
		if err := st.DB().QueryRow(`SELECT count(*) FROM health_snapshots WHERE period = '2026-10'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	opts := fixtureOptions(t, t.TempDir())
	if _, err := reports.Generate(ctx, st, opts); err != nil {
		t.Fatal(err)
	}
	first := count()
	if first == 0 {
		t.Fatal("no snapshot stored")
	}
	res, err := reports.Generate(ctx, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(); got != first {
		t.Errorf("re-run left %d snapshot rows, first run %d", got, first)
	}
	if h := res.Report.Health; len(h.Periods) != 6 || h.Periods[5] != "2026-10" || !h.Stored {
		t.Errorf("health periods %v stored %v, want six months up to 2026-10", h.Periods, h.Stored)
	}
}

func TestNamesOnlyWhenAsked(t *testing.T) {
	ctx := context.Background()
	st := newFixture(t)
	opts := fixtureOptions(t, t.TempDir())
	opts.Formats = []string{"json"}
	for _, names := range []bool{false, true} {
		opts.Names = names
		res, err := reports.Generate(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(res.Files[0])
		if err != nil {
			t.Fatal(err)
		}
		has := strings.Contains(string(b), "Alice Martin") || strings.Contains(string(b), "alice-martin")
		if has != names {
			t.Errorf("names=%v: report names Alice: %v", names, has)
		}
	}
}

// TestFindingsOrderTiesFieldByField: findings of equal severity and score
// are ordered by pattern, team and subject each in turn, whatever order
// the database returns them in ("a" before "ab" although "ab"+"c" and
// "a"+"bc" read the same).
func TestFindingsOrderTiesFieldByField(t *testing.T) {
	st := newFixture(t)
	sqlExec(t, st, `INSERT INTO findings VALUES
	('2026-10-01..2026-11-01', 'silo', 'info', 'ab', 'team', 'c', 0.1, 's1', '{}'),
	('2026-10-01..2026-11-01', 'silo', 'info', 'a', 'team', 'bc', 0.1, 's2', '{}')`)
	rep, err := reports.Build(context.Background(), st, fixtureOptions(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Summary == "s1" || f.Summary == "s2" {
			got = append(got, f.Team)
		}
	}
	if diff := cmp.Diff([]string{"a", "ab"}, got); diff != "" {
		t.Errorf("tied findings' teams (-want +got):\n%s", diff)
	}
}
