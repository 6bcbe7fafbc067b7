package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestAppendKeepsValues writes findings and metrics through Append and
// reads every value back unchanged: text with quotes, markup and
// non-ASCII, evidence as encoding/json writes it (byte for byte, from the
// value or from its text), doubles to the last bit, NaN and infinities, an
// empty team as empty (not NULL).
func TestAppendKeepsValues(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	type ev struct {
		Values map[string]float64 `json:"values"`
		Note   string             `json:"note"`
	}
	value := ev{map[string]float64{"a": 0.1, "b": 1e-7}, `<b>"x" & ü</b>`}
	text, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	summary := "it's \"quoted\" <b>& ü 日本</b>\n\ttab"
	tx, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.Append("findings", [][]driver.Value{
		{"r", "p", "warn", "", "team", "t1", 0.1 + 0.2, summary, value},
		{"r", "q", "warn", "", "team", "t1", 0.1 + 0.2, summary, json.RawMessage(text)},
	}); err != nil {
		t.Fatal(err)
	}
	values := []float64{1.0 / 3, 1e-300, -0.0, math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
	var rows [][]driver.Value
	for i, v := range values {
		rows = append(rows, []driver.Value{"r", "team", "t1", "m", "all", v, int32(i)})
	}
	if err := tx.Append("metrics", rows); err != nil {
		t.Fatal(err)
	}
	if err := tx.Append("metrics", nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, pattern := range []string{"p", "q"} {
		var team, gotSummary, gotEvidence, kind string
		var score float64
		if err := st.DB().QueryRow(`SELECT team, score, summary, CAST(evidence AS TEXT), json_type(evidence) FROM findings WHERE pattern = ?`, pattern).
			Scan(&team, &score, &gotSummary, &gotEvidence, &kind); err != nil {
			t.Fatal(err)
		}
		if team != "" || score != 0.1+0.2 || gotSummary != summary || gotEvidence != string(text) || kind != "OBJECT" {
			t.Errorf("finding %s read back as team %q, score %v, summary %q, evidence %s (%s), want %s",
				pattern, team, score, gotSummary, gotEvidence, kind, text)
		}
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

// TestAppendWithinTransaction: appended rows are part of the transaction
// (a rollback leaves none), and Append refuses a table it does not know
// or a row that does not fit, naming the table.
func TestAppendWithinTransaction(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tx, err := st.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	row := []driver.Value{"r", "team", "t1", "m", "all", 1.5, int32(3)}
	if err := tx.Append("metrics", [][]driver.Value{row, row}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM metrics`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d metrics after a rollback, want 0", n)
	}
	for _, tc := range []struct {
		table string
		row   []driver.Value
		want  string
	}{
		{"items", row, "items: not an append-only table"},
		{"metrics; DROP TABLE items", row, "not an append-only table"},
		{"metrics", row[:3], "append metrics row"},
	} {
		tx, err := st.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = tx.Append(tc.table, [][]driver.Value{tc.row})
		tx.Rollback()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Append(%q): %v, want an error with %q", tc.table, err, tc.want)
		}
	}
	if err := st.DB().QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil {
		t.Errorf("items after the appends: %v", err)
	}
}
