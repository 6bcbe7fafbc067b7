package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// systemic runs the command line in-process and returns its exit code and
// output streams.
func systemic(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// cliCase is one command line with its expected exit code and what stdout
// and stderr must contain.
type cliCase struct {
	name   string
	args   []string
	code   int
	stdout string
	stderr string
}

func runCLI(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := systemic(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, out)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errOut)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	root := newRootCmd(&app{})
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			code, out, _ := systemic(t, c.Name(), "--help")
			if code != 0 {
				t.Errorf("exit %d", code)
			}
			if c.Short == "" || !strings.Contains(out, c.Short) {
				t.Errorf("help lacks the one-line purpose:\n%s", out)
			}
			if !strings.Contains(out, "Examples:") {
				t.Errorf("help lacks an example:\n%s", out)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte(`storage: {path: x.duckdb}
sources:
  - {name: gh, kind: github, auth: {token: literal}, repos: [acme/api]}
teams:
  - {name: platform, members: [alice], github: {repos: [acme/api]}}
`), 0o644)
	planned := filepath.Join(dir, "planned.yaml")
	os.WriteFile(planned, []byte("plan: missing-plan.yaml\n"+`storage: {path: x.duckdb}
sources:
  - {name: gh, kind: github, auth: {token: literal}, repos: [acme/api]}
teams:
  - {name: platform, members: [alice], github: {repos: [acme/api]}}
`), 0o644)
	typoPlan := filepath.Join(dir, "typo-plan.yaml")
	os.WriteFile(typoPlan, []byte("goals:\n  - {id: g, team: platfrom, due: 2026-12-01, scope: {projects: [PLAT]}}\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("sources:\n  - {name: gh, kind: github, auth: {token: \"${SYSTEMIC_TEST_UNSET}\"}, repos: [acme/api]}\n"), 0o644)
	tests := []cliCase{
		{"version", []string{"version"}, 0, "systemic ", ""},
		{"validate ok", []string{"--config", good, "validate"}, 0, "good.yaml is valid", ""},
		{"validate summary", []string{"--config", good, "validate"}, 0, "platform", ""},
		{"validate problems", []string{"--config", bad, "validate"}, 2, "", "bad.yaml:2: sources[0].auth.token: environment variable SYSTEMIC_TEST_UNSET is not set"},
		{"validate checks the plan", []string{"--config", good, "validate", "--plan", typoPlan}, 2, "", typoPlan + `:2: goals[0].team: unknown team "platfrom"`},
		{"validate missing plan", []string{"--config", planned, "validate"}, 2, "", "no plan file at " + filepath.Join(dir, "missing-plan.yaml") + " (the config's plan:)"},
		{"validate missing --plan", []string{"--config", good, "validate", "--plan", "nope.yaml"}, 2, "", "--plan nope.yaml: no such file"},
		{"missing config", []string{"--config", filepath.Join(dir, "none.yaml"), "validate"}, 2, "", "no config file at"},
		{"unknown command", []string{"frobnicate"}, 2, "", "unknown command"},
		{"help topic", []string{"help", "report"}, 0, "Write the HTML, Markdown and JSON diagnostic report", ""},
		{"unknown help topic", []string{"help", "frobnicate"}, 2, "", `no help topic "frobnicate"`},
		{"unknown flag", []string{"sync", "--fast"}, 2, "", "unknown flag: --fast"},
		{"bad log level", []string{"--log-level", "loud", "version"}, 2, "", "--log-level"},
		{"unexpected argument", []string{"version", "extra"}, 2, "", "unknown command"},
		{"bad period", []string{"--config", good, "run", "--period", "octember"}, 2, "", "period \"octember\""},
	}
	runCLI(t, tests)
}
