package reports_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/golden"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
	"github.com/systemic-dev/systemic/reports"
)

// TestSyntheticOrgGolden runs the whole pipeline on a small synthetic
// organisation (generate, serve from the fake trackers, sync with the real
// connectors, resolve, analyze) and compares the October report's Markdown
// and JSON with the golden files. A change in any analysis module shows
// here: review the diff, then go test -update.
func TestSyntheticOrgGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("the synthetic organisation's pipeline takes a while; run without -short")
	}
	ctx := context.Background()
	out := t.TempDir()
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 6, 14
	org, err := demoorg.StartSynced(ctx, out, spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	cfg, st := org.Cfg, org.Store
	from, to := spec.End.AddDate(0, -1, 0), spec.End
	plan, err := org.Plan()
	if err != nil {
		t.Fatal(err)
	}
	plan.File = "plan.yaml"
	dir := t.TempDir()
	if _, err := reports.Generate(ctx, st, reports.Options{Plan: plan, From: from, To: to, Period: from.Format("2006-01"),
		OutDir: dir, Now: spec.End, Formats: []string{"html", "md", "json", "handout"}, Thresholds: cfg.Thresholds, Calendar: cfg.Calendar, Salt: cfg.Privacy.Salt,
		Analyze: analyzer(st, cfg, spec.End)}); err != nil {
		t.Fatal(err)
	}
	noPeople(t, st, dir)
	// The demo organisation's workshop handout prints on one or two pages.
	checkHandoutPages(t, filepath.Join(dir, "handout.html"))
	// The fake servers listen on random ports; URLs built from them vary.
	fix := strings.NewReplacer(org.Jira.URL, "http://jira.test", org.GitHub.URL, "http://github.test")
	for _, name := range []string{"report.md", "report.json"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "synth."+name, []byte(fix.Replace(string(got))))
	}
}

// noPeople fails when a report file in dir (HTML, Markdown, JSON) shows
// any person's name, login, email or person id: without --names reports
// show people only as "person-N". Logins that own repositories (the
// organisation) are part of repository names and left out.
func noPeople(t *testing.T, st *store.Store, dir string) {
	t.Helper()
	rows, err := st.DB().QueryContext(context.Background(), `SELECT DISTINCT v FROM (
	SELECT unnest([login, display_name, email, person_id]) AS v FROM identities
	UNION ALL SELECT unnest([person_id, display_name]) FROM people)
WHERE length(v) > 2 AND v NOT IN (SELECT split_part(container, '/', 1) FROM items WHERE container LIKE '%/%')
ORDER BY v`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var people []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		people = append(people, v)
	}
	if len(people) == 0 {
		t.Fatal("no people in the store to look for")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "report.*"))
	if hand, _ := filepath.Glob(filepath.Join(dir, "handout.html")); len(hand) > 0 {
		defer func() { checkNoPeopleIn(t, hand[0], people) }()
	}
	if len(files) < 3 {
		t.Fatalf("report files %v, want html, md and json", files)
	}
	for _, f := range files {
		checkNoPeopleIn(t, f, people)
	}
}

func checkNoPeopleIn(t *testing.T, f string, people []string) {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if i := strings.Index(string(b), p); i >= 0 {
			t.Errorf("%s shows %q: %q", filepath.Base(f), p, b[max(0, i-60):min(len(b), i+len(p)+60)])
		}
	}
}

// analyzer is what the report command passes as Options.Analyze: each
// window analysed (or reused) with the config, as of now.
func analyzer(st *store.Store, cfg *config.Config, now time.Time) func(context.Context, time.Time, time.Time) error {
	return func(ctx context.Context, from, to time.Time) error {
		_, err := analysis.Ensure(ctx, st, analysis.Options{Env: analysis.Env{Thresholds: cfg.Thresholds,
			States: cfg.States, Calendar: cfg.Calendar, From: from, To: to, Now: now,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, ConfigHash: analysis.Hash(cfg)})
		return err
	}
}
