package query

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
)

// View is one documented derived view (or table) with its columns as the
// open database has them.
type View struct {
	Name    string
	Doc     string
	Columns []Column // empty when the database does not have it yet
	// Meanings documents each column by name (from the view's .sql file).
	Meanings map[string]string
}

// Views lists the derived facts analysis documents, in creation order,
// with their columns read from the database's information schema.
func Views(ctx context.Context, db *sql.DB) ([]View, error) {
	var vs []View
	for _, d := range analysis.DerivedFacts() {
		v := View{Name: d.Name, Doc: d.Doc, Meanings: map[string]string{}}
		for _, c := range d.Columns {
			v.Meanings[c.Name] = c.Doc
		}
		rows, err := db.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, d.Name)
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", d.Name, err)
		}
		for rows.Next() {
			var c Column
			if err := rows.Scan(&c.Name, &c.Type); err != nil {
				rows.Close()
				return nil, fmt.Errorf("columns of %s: %w", d.Name, err)
			}
			v.Columns = append(v.Columns, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", d.Name, err)
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// ViewsResult flattens views into rows of (view, meaning, column, type,
// column meaning) for the csv, json and markdown formats.
func ViewsResult(vs []View) *Result {
	r := &Result{Columns: []Column{{"view", "VARCHAR"}, {"meaning", "VARCHAR"}, {"column", "VARCHAR"}, {"type", "VARCHAR"},
		{"column_meaning", "VARCHAR"}}}
	for _, v := range vs {
		if len(v.Columns) == 0 {
			r.Rows = append(r.Rows, []any{v.Name, v.Doc, nil, nil, nil})
		}
		for _, c := range v.Columns {
			r.Rows = append(r.Rows, []any{v.Name, v.Doc, c.Name, c.Type, v.Meanings[c.Name]})
		}
	}
	return r
}

// WriteViews writes views for a reader: each name and meaning, then its
// columns and types indented beneath.
func WriteViews(w io.Writer, vs []View) error {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s\n  %s\n", v.Name, v.Doc)
		if len(v.Columns) == 0 {
			b.WriteString("  (not in this database yet: run 'systemic analyze')\n")
			continue
		}
		width, typeWidth := 0, 0
		for _, c := range v.Columns {
			width, typeWidth = max(width, len(c.Name)), max(typeWidth, len(c.Type))
		}
		for _, c := range v.Columns {
			line := fmt.Sprintf("    %-*s  %-*s  %s", width, c.Name, typeWidth, c.Type, v.Meanings[c.Name])
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// QuestionsResult lists the named questions: name, parameters, meaning.
func QuestionsResult() *Result {
	r := &Result{Columns: []Column{{"layer", "VARCHAR"}, {"question", "VARCHAR"}, {"parameters", "VARCHAR"}, {"description", "VARCHAR"}}}
	for _, layer := range Layers {
		for _, q := range Questions() {
			if q.Layer != layer {
				continue
			}
			var ps []string
			for _, p := range q.Params {
				ps = append(ps, "--"+p)
			}
			r.Rows = append(r.Rows, []any{q.Layer, q.Name, strings.Join(ps, " "), q.Description})
		}
	}
	return r
}
