package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/synth"
)

// TestDemoEndToEnd runs `systemic demo` in-process: generate, serve, sync,
// analyze; twice, to check the output is the same every time.
func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		old := demoSpec
		demoSpec = func() synth.Spec {
			s := synth.DefaultSpec()
			s.Months, s.ItemsPerTeamMonth = 4, 12
			return s
		}
		t.Cleanup(func() { demoSpec = old })
	}
	out := t.TempDir()
	var first string
	for run := range 2 {
		code, stdout, stderr := systemic(t, "--log-level", "warn", "demo", "--out", out)
		if code != 0 {
			t.Fatalf("run %d: exit %d\nstdout:\n%s\nstderr:\n%s", run+1, code, stdout, stderr)
		}
		for _, want := range []string{"generated 6 teams", "demo-jira", "demo-github", "planted dependency_delay", "control team web: no warnings"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("run %d: output lacks %q:\n%s", run+1, want, stdout)
			}
		}
		if run == 0 {
			first = stdout
		} else if stdout != first {
			t.Errorf("second run printed something else:\nfirst:\n%s\nsecond:\n%s", first, stdout)
		}
	}
	for _, f := range []string{"systemic.yaml", "systemic.duckdb", "data/ground_truth.json", "data/plan.yaml", "data/jira/issues.jsonl"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("demo left no %s: %v", f, err)
		}
	}
}

func TestDemoKeepsForeignData(t *testing.T) {
	out := t.TempDir()
	if err := os.MkdirAll(filepath.Join(out, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := systemic(t, "demo", "--out", out)
	if code != 2 || !strings.Contains(stderr, "not an earlier demo's data") {
		t.Errorf("exit %d, stderr %q; want 2 and a refusal", code, stderr)
	}
}
