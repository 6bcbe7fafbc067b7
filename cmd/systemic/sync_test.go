package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// fakeOrg generates a small synthetic organisation, serves it from the fake
// Jira and GitHub servers and writes a config pointing at them.
func fakeOrg(t *testing.T, gh githubtest.Options) (cfgPath string, res *synth.Result) {
	t.Helper()
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 3, 8
	org, err := demoorg.Start(t.TempDir(), spec, demoorg.Options{GitHub: gh})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(org.Close)
	return org.Config, org.Result
}

func TestSyncCommand(t *testing.T) {
	cfg, res := fakeOrg(t, githubtest.Options{})
	db := filepath.Join(t.TempDir(), "s.duckdb")
	code, out, errOut := systemic(t, "--config", cfg, "--db", db, "--no-progress", "sync")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "SOURCE") || strings.Count(out, " ok ") < 2 {
		t.Errorf("summary:\n%s", out)
	}
	if code, out, errOut := systemic(t, "--config", cfg, "--db", db, "--no-progress", "sync"); code != 0 {
		t.Fatalf("second sync: exit %d\n%s\n%s", code, out, errOut)
	}
	st := openDB(t, db)
	var items, teamless int
	st.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE team IS NULL) FROM items`).Scan(&items, &teamless)
	if items != res.Items {
		t.Errorf("items = %d, generated %d", items, res.Items)
	}
	var merged int
	st.DB().QueryRow(`SELECT count(DISTINCT person_id) FROM identities WHERE person_id NOT LIKE '%/%'`).Scan(&merged)
	if merged == 0 {
		t.Error("no identity was merged into a declared person")
	}
	t.Logf("%d items, %d without a team, %d merged people", items, teamless, merged)
}

// TestSyncPartial: a source that fails (GitHub rejects the token) leaves
// the other's data stored, is named, and the exit code is 3.
func TestSyncPartial(t *testing.T) {
	cfg, res := fakeOrg(t, githubtest.Options{Token: "another-token"})
	db := filepath.Join(t.TempDir(), "s.duckdb")
	code, out, errOut := systemic(t, "--config", cfg, "--db", db, "--no-progress", "sync")
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "not complete for") || strings.Contains(errOut, synth.DemoToken) {
		t.Errorf("stderr should name the failed source and never the token:\n%s", errOut)
	}
	st := openDB(t, db)
	var jiraItems int
	var status string
	st.DB().QueryRow(`SELECT count(*) FROM items WHERE kind <> 'pull_request'`).Scan(&jiraItems)
	st.DB().QueryRow(`SELECT last_status FROM sources WHERE kind = 'github'`).Scan(&status)
	if jiraItems == 0 || jiraItems > res.Items {
		t.Errorf("jira items stored = %d", jiraItems)
	}
	if status != "failed" {
		t.Errorf("github source status = %q, want failed", status)
	}
}

func openDB(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.OpenReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// deadConfig writes a config whose only source refuses connections.
func deadConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "dead.yaml")
	os.WriteFile(path, []byte(`storage: {path: `+filepath.Join(dir, "d.duckdb")+`}
sources:
  - {name: gh, kind: github, url: "http://127.0.0.1:1", auth: {token: literal}, repos: [acme/api]}
teams:
  - {name: platform, members: [alice], github: {repos: [acme/api]}}
`), 0o644)
	return path
}

// TestInterrupted: Ctrl-C (a cancelled context) ends with one plain
// sentence and exit 130, not a driver's "context canceled" and exit 1.
func TestInterrupted(t *testing.T) {
	cfg := deadConfig(t)
	tests := []struct {
		name   string
		args   []string
		after  time.Duration // cancel after this long; 0 = before starting
		stderr string
	}{
		// 300ms: the dead source is in its retry backoff, as with Ctrl-C mid-sync.
		{"sync", []string{"--config", cfg, "sync"}, 300 * time.Millisecond,
			"sync interrupted; every page fetched so far is stored, run the same command again to resume"},
		{"run", []string{"--config", cfg, "run", "--period", "2026-10", "--out", t.TempDir()}, 300 * time.Millisecond,
			"sync interrupted"},
		{"before the store opens", []string{"--config", cfg, "sync"}, 0, "interrupted before finishing; run the same command again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			if tt.after == 0 {
				cancel()
			}
			defer time.AfterFunc(tt.after, cancel).Stop()
			var out, errOut bytes.Buffer
			code := run(ctx, tt.args, &out, &errOut)
			if code != exitInterrupted {
				t.Errorf("exit %d, want %d\nstderr: %s", code, exitInterrupted, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.stderr) || strings.Contains(errOut.String(), "context canceled\n") {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errOut.String())
			}
		})
	}
}

// TestDeadSource: a source that refuses connections is given up after a
// few bounded retries (about 5 s) and, being the only one, fails the run (exit 1)
// with a message that says what to check; no token in the output.
func TestDeadSource(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the retries")
	}
	cfg := deadConfig(t)
	tests := []struct {
		name string
		args []string
	}{
		// --max-wait bounds the retries' backoff (0.5 s, then 1 s)
		{"sync", []string{"--config", cfg, "--no-progress", "sync", "--max-wait", "2s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := systemic(t, tt.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
			}
			for _, want := range []string{"every source failed: gh (see the log above", "connection refused"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stdout+stderr, "literal") {
				t.Errorf("the token reached the output:\n%s\n%s", stdout, stderr)
			}
		})
	}
}
