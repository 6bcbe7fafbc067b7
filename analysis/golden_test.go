package analysis_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// loopbackURL is the address of a fake tracker: its port differs per run.
var loopbackURL = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// TestGoldenFindings pins what the analysis finds and measures on the demo
// organisation (whole period and last month) and on a small benchmark
// store (20,000 events, 90 days and a year), so that a change meant to be
// faster is checked to change nothing. A deliberate change of a definition
// rewrites them with -update and says so in its commit.
func TestGoldenFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and syncs the demo organisation")
	}
	t.Run("demo", func(t *testing.T) {
		spec := synth.DefaultSpec()
		st, cfg, plan, _ := recallOrg(t, spec)
		for _, w := range []struct {
			name     string
			from, to time.Time
		}{{"whole", spec.Start(), spec.End}, {"last-month", spec.End.AddDate(0, -1, 0), spec.End}} {
			env := analysis.Env{Thresholds: cfg.Thresholds, States: cfg.States, Calendar: cfg.Calendar,
				From: w.from, To: w.to, Now: spec.End, Agreements: analysis.PlanAgreements(plan),
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			checkGolden(t, st, env, "demo-"+w.name)
		}
	})
	t.Run("bench", func(t *testing.T) {
		st := benchStore(t, 0.01)
		end := benchStart.AddDate(1, 0, 0)
		for _, w := range []struct {
			name string
			days int
			tz   string
		}{{"90d-utc", 90, "UTC"}, {"90d-berlin", 90, "Europe/Berlin"}, {"year-utc", 365, "UTC"}} {
			env := analysis.Env{From: end.AddDate(0, 0, -w.days), To: end, Now: end,
				Calendar: config.Calendar{Timezone: w.tz}}
			checkGolden(t, st, env, "bench-"+w.name)
		}
	})
}

// benchStore fills a store with the benchmark generators at scale s.
func benchStore(tb testing.TB, s float64) *store.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(tb.TempDir(), "bench.duckdb"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := benchstore.Fill(ctx, st.DB(), s); err != nil {
		tb.Fatal(err)
	}
	return st
}

// checkGolden analyses env's window and compares its findings and metrics
// with testdata/golden/name.txt.
func checkGolden(t *testing.T, st *store.Store, env analysis.Env, name string) {
	t.Helper()
	sum, err := analysis.Analyze(context.Background(), st, analysis.Options{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	got := goldenText(t, st, sum)
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			g, w := lineAt(gl, i), lineAt(wl, i)
			if g != w {
				t.Fatalf("%s differs from %s at line %d:\n got: %s\nwant: %s", name, path, i+1, g, w)
			}
		}
	}
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<none>"
}

// goldenText is one line per finding (sorted, floats rounded to 1e-9) and
// one per metric of the run.
func goldenText(t *testing.T, st *store.Store, sum analysis.Summary) string {
	t.Helper()
	var lines []string
	for _, f := range sum.Findings {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		b, err = json.Marshal(roundFloats(v))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "finding "+string(b))
	}
	sort.Strings(lines)
	rows, err := st.DB().Query(`SELECT scope_kind, scope, metric, period, value, n FROM metrics WHERE run_id = ?
ORDER BY ALL`, sum.RunID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var metrics []string
	for rows.Next() {
		var kind, scope, metric, period string
		var value *float64
		var n *int64
		if err := rows.Scan(&kind, &scope, &metric, &period, &value, &n); err != nil {
			t.Fatal(err)
		}
		v, c := "NULL", "NULL"
		if value != nil {
			v = fmt.Sprint(round9(*value))
		}
		if n != nil {
			c = fmt.Sprint(*n)
		}
		metrics = append(metrics, fmt.Sprintf("metric %s|%s|%s|%s|%s|%s", kind, scope, metric, period, v, c))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(metrics)
	text := fmt.Sprintf("findings %d metrics %d\n", len(sum.Findings), sum.Metrics) +
		strings.Join(append(lines, metrics...), "\n") + "\n"
	return loopbackURL.ReplaceAllString(text, "http://fake")
}

func roundFloats(v any) any {
	switch x := v.(type) {
	case float64:
		return round9(x)
	case []any:
		for i := range x {
			x[i] = roundFloats(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = roundFloats(x[k])
		}
	}
	return v
}

func round9(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r := math.Round(x*1e9) / 1e9
	if r == 0 {
		return 0 // no -0
	}
	return r
}
