package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReadOnlyCommandsNeedNoCredentials: query, report, export and
// analyze contact no tracker, so unset token variables do not stop them;
// sync, run and validate still name the missing variable (exit 2).
func TestReadOnlyCommandsNeedNoCredentials(t *testing.T) {
	db := queryDB(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "systemic.yaml")
	os.WriteFile(cfg, []byte(`storage: {path: `+db+`}
sources:
  - {name: j, kind: jira, url: "https://acme.atlassian.net", projects: [PLAT],
     auth: {email: "${SYSTEMIC_TEST_UNSET_EMAIL}", token: "${SYSTEMIC_TEST_UNSET_TOKEN}"}}
  - {name: gh, kind: github, auth: {token: "${SYSTEMIC_TEST_UNSET_GH}"}, repos: [acme/api]}
teams:
  - {name: platform, members: [alice], github: {repos: [acme/api]}}
`), 0o644)
	otherwise := filepath.Join(dir, "otherwise.yaml")
	os.WriteFile(otherwise, []byte(`storage: {path: "${SYSTEMIC_TEST_UNSET_DIR}/s.duckdb"}
sources:
  - {name: gh, kind: github, auth: {token: "${SYSTEMIC_TEST_UNSET_GH}"}, repos: [acme/api]}
`), 0o644)
	unset := "sources[1].auth.token: environment variable SYSTEMIC_TEST_UNSET_GH is not set"
	out := t.TempDir()
	tests := []cliCase{
		{"query", []string{"--config", cfg, "query", "review-load", "--period", "2026-09"}, 0, "person-", ""},
		{"report", []string{"--config", cfg, "report", "--period", "2026-09", "--format", "json", "--out", out}, 0, "report 2026-09", ""},
		{"export", []string{"--config", cfg, "export", "--out", filepath.Join(out, "x"), "--names"}, 0, "items", ""},
		{"analyze", []string{"--config", cfg, "analyze", "--period", "2026-09"}, 0, "(2026-09)", ""},
		{"sync", []string{"--config", cfg, "sync"}, 2, "", unset},
		{"run", []string{"--config", cfg, "run", "--out", out}, 2, "", "sources[0].auth.token: environment variable SYSTEMIC_TEST_UNSET_TOKEN is not set"},
		{"validate", []string{"--config", cfg, "validate"}, 2, "", unset},
		{"other variables stay strict", []string{"--config", otherwise, "query", "review-load"}, 2, "",
			"storage.path: environment variable SYSTEMIC_TEST_UNSET_DIR is not set"},
	}
	runCLI(t, tests)
}

// TestContactsSourcesNamesCommands: a renamed command must not silently
// lose its strict credential check.
func TestContactsSourcesNamesCommands(t *testing.T) {
	root := newRootCmd(&app{})
	for name := range contactsSources {
		if c, _, err := root.Find([]string{name}); err != nil || c.Name() != name {
			t.Errorf("contactsSources names %q, which is no command", name)
		}
	}
}
