package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/synth"
)

func TestSyncErrorExitCodes(t *testing.T) {
	stopped := fmt.Errorf("retry after 1s, beyond the rate-limit wait budget: %w", connectors.ErrPartial)
	failed := errors.New("401 Bad credentials")
	some := connectors.Stats{Items: 3}
	tests := []struct {
		name    string
		results []syncResult
		want    int
	}{
		{"all ok", []syncResult{{source: "j"}, {source: "g"}}, exitOK},
		{"one failed, one ok", []syncResult{{source: "j"}, {source: "g", err: failed}}, exitPartial},
		{"every source failed", []syncResult{{source: "j", err: failed}, {source: "g", err: failed}}, exitFailure},
		{"every source stopped before storing", []syncResult{{source: "j", err: stopped}, {source: "g", err: stopped}}, exitFailure},
		{"the only source stopped before storing", []syncResult{{source: "j", err: stopped}}, exitFailure},
		{"stopped after storing", []syncResult{{source: "j", err: stopped, stats: some}, {source: "g", err: failed}}, exitPartial},
		{"failed after storing", []syncResult{{source: "j", err: failed, stats: connectors.Stats{Events: 1}}}, exitPartial},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(syncError(context.Background(), tt.results)); got != tt.want {
				t.Errorf("exit %d, want %d", got, tt.want)
			}
		})
	}
}

// TestSyncEverySourceUnavailable: both trackers answer every request
// with a 503 or an exhausted rate limit (REST and GraphQL points alike)
// whose reset is beyond --max-wait:
// nothing is stored, so the sync fails (exit 1), not "partial".
func TestSyncEverySourceUnavailable(t *testing.T) {
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 1, 2
	org, err := demoorg.Start(t.TempDir(), spec, demoorg.Options{
		Jira:   jiratest.Options{Rules: []jiratest.Rule{{Path: "/", Status: 503, RetryAfter: "3600"}}},
		GitHub: githubtest.Options{Limit: 10, Used: 10, PointLimit: 1, Window: 2 * time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	code, stdout, stderr := systemic(t, "--config", org.Config, "--db", t.TempDir()+"/s.duckdb", "--no-progress", "sync", "--max-wait", "1s")
	if code != exitFailure || !strings.Contains(stderr, "every source failed: demo-jira, demo-github") {
		t.Errorf("exit %d, want 1 and every source failed\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "partial") {
		t.Errorf("a source that stored nothing is shown as partial:\n%s", stdout)
	}
}
