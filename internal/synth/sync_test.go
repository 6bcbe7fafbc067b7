package synth_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	_ "github.com/systemic-dev/systemic/connectors/github"
	_ "github.com/systemic-dev/systemic/connectors/jira"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/store"
)

// TestSyncThroughConnectors serves a generated organisation from both fake
// servers, loads the generated config and plan with the real loaders, and
// syncs both sources with the real connectors into a store.
func TestSyncThroughConnectors(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	spec := smallSpec()
	spec.Months = 3
	org, err := demoorg.Start(out, spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	res, cfgPath := org.Result, org.Config
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatalf("generated config does not load: %v", err)
	}
	var teams []string
	for _, tm := range cfg.Teams {
		teams = append(teams, tm.Name)
	}
	plan, err := config.LoadPlan(cfg.Plan, teams)
	if err != nil {
		t.Fatalf("generated plan does not load: %v", err)
	}
	if len(plan.Goals) != 3 || len(plan.Dependencies) != 2 || len(plan.Decisions) != 2 || len(plan.Agreements) != 5 {
		t.Errorf("plan: %d goals, %d dependencies, %d decisions, %d agreements", len(plan.Goals), len(plan.Dependencies), len(plan.Decisions), len(plan.Agreements))
	}
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := connectors.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxWait: 10 * time.Second,
		Now: func() time.Time { return spec.End }, Full: true}
	for _, sc := range cfg.Sources {
		src, err := connectors.New(sc)
		if err != nil {
			t.Fatal(err)
		}
		stats, err := src.Sync(ctx, st, opts)
		if err != nil {
			t.Fatalf("sync %s: %v", sc.Name, err)
		}
		t.Logf("%s: %d requests, %d items, %d events", sc.Name, stats.Requests, stats.Items, stats.Events)
	}
	counts := map[string]int{}
	for _, q := range []struct{ name, sql string }{
		{"items", "SELECT count(*) FROM items"},
		{"pull requests", "SELECT count(*) FROM pull_requests"},
		{"blocks links", "SELECT count(*) FROM links WHERE type = 'blocks'"},
		{"sprint events", "SELECT count(*) FROM item_events WHERE kind = 'sprint'"},
		{"team review requests", "SELECT count(*) FROM review_requests WHERE reviewer_team IS NOT NULL AND reviewer_team <> ''"},
		{"reviews", "SELECT count(*) FROM reviews"},
		{"withdrawn review requests", "SELECT count(*) FROM review_requests WHERE removed_at IS NOT NULL"},
		{"flag events", "SELECT count(*) FROM item_events WHERE kind = 'flagged'"},
		{"merged identities", "SELECT count(DISTINCT external_id) FROM identities WHERE source = 'demo-jira'"},
		{"bots", "SELECT count(*) FROM identities WHERE login = 'dependabot[bot]'"},
	} {
		var n int
		if err := st.DB().QueryRowContext(ctx, q.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		counts[q.name] = n
		if n == 0 {
			t.Errorf("no %s in the store", q.name)
		}
	}
	if counts["items"] != res.Items {
		t.Errorf("store has %d items, generated %d", counts["items"], res.Items)
	}
	if counts["pull requests"] != res.PullRequests {
		t.Errorf("store has %d pull requests, generated %d", counts["pull requests"], res.PullRequests)
	}
	t.Logf("store: %v", counts)
}
