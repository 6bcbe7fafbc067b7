package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
)

func TestAnalyzeCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "systemic.yaml")
	os.WriteFile(cfg, []byte(`storage: {path: x.duckdb}
sources:
  - {name: gh, kind: github, auth: {token: literal}, repos: [acme/api]}
teams:
  - {name: platform, members: [alice], github: {repos: [acme/api]}}
`), 0o644)
	// analyze works on a synced database; an empty one will do.
	if st, err := store.Open(t.Context(), filepath.Join(dir, "x.duckdb")); err != nil {
		t.Fatal(err)
	} else {
		st.Close()
	}
	tests := []cliCase{
		{"explain", []string{"analyze", "--explain", "approval_bottleneck"}, 0, "median pickup", ""},
		{"explain unknown", []string{"analyze", "--explain", "nope"}, 2, "", `unknown pattern "nope"`},
		{"unknown pattern", []string{"--config", cfg, "analyze", "--pattern", "nope"}, 2, "", `--pattern: unknown pattern "nope"`},
		{"bad date", []string{"--config", cfg, "analyze", "--from", "2026-13-01"}, 2, "", "--from"},
		{"empty store", []string{"--config", cfg, "analyze", "--from", "2026-10-01", "--to", "2026-10-31"}, 0,
			"run 2026-10-01..2026-11-01", ""},
		{"one pattern", []string{"--config", cfg, "analyze", "--pattern", "silo"}, 0, "silo     0         0     0     1", ""},
	}
	runCLI(t, tests)
}

func TestAnalyzeWindowDefaults(t *testing.T) {
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	w, err := analyzeWindow(analyzeFlags{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.From.Format(time.DateOnly) + ".." + w.To.Format(time.DateOnly); got != "2026-08-28..2026-11-26" {
		t.Errorf("default window %s, want the 90 days 2026-08-28..2026-11-25 (to exclusive 2026-11-26)", got)
	}
}

// TestAnalyzeTimings: --timings lists every derived fact and every module
// with a time and the rows the store holds: a table's or view's rows, the
// modules' findings and metrics, the findings after the trend step and
// everything written.
func TestAnalyzeTimings(t *testing.T) {
	cfg, db := tinyOrg(t)
	code, out, stderr := systemic(t, "--config", cfg, "--db", db, "--log-level", "debug", "analyze", "--timings")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	steps := timingRows(t, out)
	st, err := store.OpenReadOnly(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var run string
	if err := st.DB().QueryRow(`SELECT run_id FROM runs`).Scan(&run); err != nil {
		t.Fatal(err)
	}
	storeCount := func(q string, args ...any) int64 {
		var n int64
		if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	for _, d := range analysis.DerivedFacts() {
		got, ok := steps[d.Name]
		if !ok {
			t.Errorf("--timings lacks derived fact %s:\n%s", d.Name, out)
			continue
		}
		want := storeCount("SELECT count(*) FROM " + d.Name)
		if d.Name == "v_findings" { // counted before this run's findings were written
			want -= storeCount(`SELECT count(*) FROM findings WHERE run_id = ?`, run)
		}
		if got.rows != want {
			t.Errorf("%s: %d rows, the store holds %d", d.Name, got.rows, want)
		}
		if !strings.Contains(stderr, "step="+d.Name+" ") {
			t.Errorf("debug log lacks step %s:\n%s", d.Name, stderr)
		}
	}
	var moduleRows int64
	for _, m := range analysis.Modules() {
		got, ok := steps[m.Name()]
		if !ok {
			t.Errorf("--timings lacks module %s:\n%s", m.Name(), out)
		}
		moduleRows += got.rows
	}
	findings := storeCount(`SELECT count(*) FROM findings WHERE run_id = ?`, run)
	metrics := storeCount(`SELECT count(*) FROM metrics WHERE run_id = ?`, run)
	resolved := storeCount(`SELECT count(*) FROM findings WHERE run_id = ? AND json_extract_string(evidence, '$.trend') = 'resolved'`, run)
	if want := findings - resolved + metrics; moduleRows != want {
		t.Errorf("modules: %d findings and metrics in all, the run holds %d", moduleRows, want)
	}
	if findings+metrics == 0 {
		t.Error("the analysis found nothing: the test proves no counts")
	}
	if got := steps["trend"].rows; got != findings {
		t.Errorf("trend: %d findings, the run holds %d", got, findings)
	}
	if got := steps["write"].rows; got != findings+metrics {
		t.Errorf("write: %d rows, the run holds %d", got, findings+metrics)
	}
}

type timingRow struct {
	ms   float64
	rows int64
}

// timingRows parses the --timings table: step -> time and rows; each time
// must be a non-negative number and each row count a number.
func timingRows(t *testing.T, out string) map[string]timingRow {
	t.Helper()
	_, table, ok := strings.Cut(out, "STEP")
	if !ok {
		t.Fatalf("no timings table:\n%s", out)
	}
	steps := map[string]timingRow{}
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[1:] {
		f := strings.Fields(line)
		if f[0] == "total" {
			continue
		}
		if len(f) != 4 {
			t.Fatalf("timings row %q: want step, kind, ms, rows", line)
		}
		ms, err := strconv.ParseFloat(f[2], 64)
		if err != nil || ms < 0 {
			t.Errorf("%s: time %q is not a non-negative number", f[0], f[2])
		}
		rows, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			t.Errorf("%s: rows %q is not a count", f[0], f[3])
		}
		steps[f[0]] = timingRow{ms, rows}
	}
	return steps
}
