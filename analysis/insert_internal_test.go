package analysis

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/systemic-dev/systemic/internal/store"
)

// TestInsertRowsKeepsValues writes findings and metrics through the one
// JSON statement and reads every value back unchanged: text with quotes,
// markup and non-ASCII, evidence text byte for byte, doubles to the last
// bit, NaN and infinities.
func TestInsertRowsKeepsValues(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evidence := `{"values":{"a":0.1,"b":1e-7},"note":"<b>\"x\" & ü</b>"}`
	summary := "it's \"quoted\" <b>& ü 日本</b>\n\ttab"
	tx, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := insertRows(tx, "findings", findingTypes, [][]any{
		{"r", "p", "warn", "", "team", "t1", 0.1 + 0.2, summary, evidence},
	}); err != nil {
		t.Fatal(err)
	}
	values := []float64{1.0 / 3, 1e-300, -0.0, math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
	var rows [][]any
	for i, v := range values {
		rows = append(rows, []any{"r", "team", "t1", "m", "all", v, i})
	}
	if err := insertRows(tx, "metrics", metricTypes, rows); err != nil {
		t.Fatal(err)
	}
	if err := insertRows(tx, "metrics", metricTypes, nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var team, gotSummary, gotEvidence string
	var score float64
	if err := st.DB().QueryRow(`SELECT team, score, summary, CAST(evidence AS TEXT) FROM findings`).
		Scan(&team, &score, &gotSummary, &gotEvidence); err != nil {
		t.Fatal(err)
	}
	if team != "" || score != 0.1+0.2 || gotSummary != summary || gotEvidence != evidence {
		t.Errorf("finding read back as team %q, score %v, summary %q, evidence %q", team, score, gotSummary, gotEvidence)
	}
	for i, want := range values {
		var got float64
		if err := st.DB().QueryRow(`SELECT value FROM metrics WHERE n = ?`, i).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("metric %d: wrote %v, read %v", i, want, got)
		}
	}
}
