package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanInitSkeleton: without --from-tracker, init writes the period and
// the agreements at the config's thresholds and needs no database; on an
// existing plan it leaves the file alone and lists only what it lacks;
// stray arguments are usage errors.
func TestPlanInitSkeleton(t *testing.T) {
	cfg := deadConfig(t)
	out := filepath.Join(t.TempDir(), "plan.yaml")
	code, stdout, stderr := systemicTB(t, "--config", cfg, "plan", "init", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := systemicTB(t, "--config", cfg, "validate", "--plan", out); code != 0 {
		t.Fatalf("validate rejects the skeleton: %s", stderr)
	}
	existing := "agreements:\n  - {id: review-pickup, title: \"Pickup\", metric: review_pickup, target: 24h}\n"
	if err := os.WriteFile(out, []byte(existing), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = systemicTB(t, "--config", cfg, "plan", "init", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != existing {
		t.Errorf("init overwrote the existing plan:\n%s", got)
	}
	if strings.Contains(stdout, "metric: review_pickup") || !strings.Contains(stdout, "metric: wip_per_person") {
		t.Errorf("listed entries should be those the plan lacks:\n%s", stdout)
	}
	if code, _, _ := systemicTB(t, "--config", cfg, "plan", "init", "extra"); code != 2 {
		t.Errorf("stray argument: exit %d, want 2", code)
	}
}
