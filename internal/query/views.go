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
}

// Views lists the derived facts analysis documents, in creation order,
// with their columns read from the database's information schema.
func Views(ctx context.Context, db *sql.DB) ([]View, error) {
	var vs []View
	for _, d := range analysis.DerivedFacts() {
		v := View{Name: d.Name, Doc: d.Doc}
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

// ViewsResult flattens views into rows of (view, meaning, column, type)
// for the csv, json and markdown formats.
func ViewsResult(vs []View) *Result {
	r := &Result{Columns: []Column{{"view", "VARCHAR"}, {"meaning", "VARCHAR"}, {"column", "VARCHAR"}, {"type", "VARCHAR"}}}
	for _, v := range vs {
		if len(v.Columns) == 0 {
			r.Rows = append(r.Rows, []any{v.Name, v.Doc, nil, nil})
		}
		for _, c := range v.Columns {
			r.Rows = append(r.Rows, []any{v.Name, v.Doc, c.Name, c.Type})
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
		width := 0
		for _, c := range v.Columns {
			width = max(width, len(c.Name))
		}
		for _, c := range v.Columns {
			fmt.Fprintf(&b, "    %-*s  %s\n", width, c.Name, c.Type)
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
