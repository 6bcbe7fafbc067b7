package main

import (
	"path/filepath"
	"strings"
	"testing"

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
