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
	"github.com/systemic-dev/systemic/connectors"
	_ "github.com/systemic-dev/systemic/connectors/github"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	_ "github.com/systemic-dev/systemic/connectors/jira"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/config"
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
	res, err := synth.Generate(filepath.Join(out, "data"), spec)
	if err != nil {
		t.Fatal(err)
	}
	js, err := jiratest.New(res.Dir, jiratest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer js.Close()
	gs, err := githubtest.New(res.Dir, githubtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer gs.Close()
	cfgPath := filepath.Join(out, "systemic.yaml")
	if err := synth.WriteConfig(cfgPath, res, js.URL, gs.URL); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	syncAll(t, st, cfg, spec.End)
	from, to := spec.End.AddDate(0, -1, 0), spec.End
	if _, err := analysis.Analyze(ctx, st, analysis.Options{Env: analysis.Env{Thresholds: cfg.Thresholds,
		States: cfg.States, Calendar: cfg.Calendar, From: from, To: to, Now: spec.End,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}); err != nil {
		t.Fatal(err)
	}
	var teams []string
	for _, tm := range cfg.Teams {
		teams = append(teams, tm.Name)
	}
	plan, err := config.LoadPlan(cfg.Plan, teams)
	if err != nil {
		t.Fatal(err)
	}
	plan.File = "plan.yaml"
	dir := t.TempDir()
	if _, err := reports.Generate(ctx, st, reports.Options{Plan: plan, From: from, To: to, Period: from.Format("2006-01"),
		OutDir: dir, Now: spec.End, Thresholds: cfg.Thresholds, Salt: cfg.Privacy.Salt}); err != nil {
		t.Fatal(err)
	}
	// The fake servers listen on random ports; URLs built from them vary.
	fix := strings.NewReplacer(js.URL, "http://jira.test", gs.URL, "http://github.test")
	for _, name := range []string{"report.md", "report.json"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "synth."+name, []byte(fix.Replace(string(got))))
	}
}

func syncAll(t *testing.T, st *store.Store, cfg *config.Config, now time.Time) {
	ctx := context.Background()
	opts := connectors.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxWait: 10 * time.Second,
		Now: func() time.Time { return now }, Full: true}
	for _, sc := range cfg.Sources {
		src, err := connectors.New(sc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.Sync(ctx, st, opts); err != nil {
			t.Fatalf("sync %s: %v", sc.Name, err)
		}
	}
	var org store.Org
	for _, tm := range cfg.Teams {
		org.Teams = append(org.Teams, store.Team{Name: tm.Name, Members: tm.Members, Projects: tm.Jira.Projects,
			Components: tm.Jira.Components, Repos: tm.GitHub.Repos, GitHubTeams: tm.GitHub.Teams})
	}
	for _, p := range cfg.People {
		org.People = append(org.People, store.Person{Name: p.Name, IDs: p.IDs})
	}
	if err := st.Resolve(ctx, org); err != nil {
		t.Fatal(err)
	}
}
