package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
	"github.com/systemic-dev/systemic/internal/web"
	"github.com/systemic-dev/systemic/reports"
)

// org is the synthetic organisation the tests serve: synced with the real
// connectors from the fake trackers, and its last month reported as
// `systemic report --period 2026-10` does (which analyses the month and
// the six months of its health trend).
type org struct {
	db   string
	cfg  *config.Config
	plan *config.Plan
	now  time.Time
	// report is the CLI's report of the month: pseudonymised by the
	// report code from the real store.
	report *reports.Report
	month  string
}

var fixture *org

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture != nil {
		os.RemoveAll(filepath.Dir(fixture.db))
	}
	os.Exit(code)
}

func newOrg(t testing.TB) *org {
	t.Helper()
	if fixture != nil {
		return fixture
	}
	dir, err := os.MkdirTemp("", "systemic-web-")
	if err != nil {
		t.Fatal(err)
	}
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 7, 12
	o, err := demoorg.Start(dir, spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	cfg, err := o.LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	f := &org{db: filepath.Join(dir, "systemic.duckdb"), cfg: cfg, now: spec.End}
	ctx := context.Background()
	st, err := store.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demoorg.Sync(ctx, st, cfg, f.now); err != nil {
		t.Fatal(err)
	}
	var teams []string
	for _, tc := range cfg.Teams {
		teams = append(teams, tc.Name)
	}
	if f.plan, err = config.LoadPlan(cfg.Plan, teams); err != nil {
		t.Fatal(err)
	}
	from, to := f.now.AddDate(0, -1, 0), f.now
	f.month = from.Format("2006-01")
	f.report, err = reports.Build(ctx, st, reports.Options{Plan: f.plan, From: from, To: to, Period: f.month,
		Salt: cfg.Privacy.Salt, Thresholds: cfg.Thresholds, Calendar: cfg.Calendar, Now: f.now,
		Analyze: func(ctx context.Context, from, to time.Time) error {
			_, err := analysis.Ensure(ctx, st, analysis.Options{Env: analysis.Env{Thresholds: cfg.Thresholds,
				States: cfg.States, Calendar: cfg.Calendar, From: from, To: to, Now: f.now}, ConfigHash: analysis.Hash(cfg)})
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.report.Findings) < 3 {
		t.Fatalf("the synthetic org has %d findings in %s", len(f.report.Findings), f.month)
	}
	fixture = f
	return f
}

// serve starts the app over the org on loopback.
func (f *org) serve(t testing.TB, token string) *httptest.Server {
	t.Helper()
	src := &live.Source{Path: f.db, Salt: f.cfg.Privacy.Salt}
	t.Cleanup(func() { src.Close() })
	s, err := web.New(web.Options{Source: src, Now: func() time.Time { return f.now }, Token: token, Plan: f.plan,
		Thresholds: f.cfg.Thresholds, Calendar: f.cfg.Calendar, States: f.cfg.States})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func (f *org) period() string {
	from := f.now.AddDate(0, -1, 0)
	return fmt.Sprintf("%s..%s", from.Format(time.DateOnly), f.now.Format(time.DateOnly))
}
