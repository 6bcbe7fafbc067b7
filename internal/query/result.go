package query

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/store"
)

// Column is one result column with its DuckDB type name.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Result is what a question or a statement returned. Values are as the
// DuckDB driver scans them: nil, string, bool, int*, float64, time.Time,
// []any, map[string]any and a few driver types.
type Result struct {
	Columns []Column
	Rows    [][]any
}

// fetch runs text on db and reads every row, after the prepare statements
// on the same connection (Prepare).
func fetch(ctx context.Context, db *sql.DB, prepare []string, text string, args ...any) (*Result, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := Prepare(ctx, conn, prepare); err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, t := range types {
		res.Columns = append(res.Columns, Column{Name: t.Name(), Type: t.DatabaseTypeName()})
	}
	for rows.Next() {
		vals := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

var (
	readOnlyErr = regexp.MustCompile(`statement of type "([A-Z_ ]+)" on database "[^"]*" which is attached in read-only mode`)
	missingView = regexp.MustCompile(`Table with name (v_[a-z_]+) does not exist`)
)

// explain turns DuckDB errors a user can act on into clear messages.
func explain(err error) error {
	msg := err.Error()
	if refused := sandboxRefusal(msg); refused != nil {
		return refused
	}
	if m := readOnlyErr.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("refused: a %s statement would change the database, and queries run read-only: %w", m[1], store.ErrReadOnly)
	}
	if m := missingView.FindStringSubmatch(msg); m != nil {
		if !documentedView(m[1]) {
			return fmt.Errorf("there is no view %s; 'systemic query --views' lists them", m[1])
		}
		return fmt.Errorf("view %s does not exist in this database yet: run 'systemic analyze' first", m[1])
	}
	return err
}

// personColumns hold person ids, identity ids or other names of people in
// every view and table.
var personColumns = map[string]bool{
	"person": true, "person_id": true, "reviewer": true, "author": true, "decider": true,
	"assignee": true, "reporter": true, "requester": true, "merged_by": true, "actor": true,
	"entered_by": true, "left_by": true, "owner": true, "identity_id": true,
	"assignee_id": true, "reporter_id": true, "actor_id": true, "author_id": true,
	"reviewer_id": true, "requester_id": true, "merged_by_id": true,
	"display_name": true, "login": true, "email": true,
}

// Pseudonymise replaces person ids and names by p's pseudonyms, in place:
// every value of a person column, and in any other column (a finding's
// subject, an assignee change's from/to, a person column renamed by AS or
// a CTE) every value that is exactly a person id or name the database
// knows. Person ids inside JSON evidence ("people") are replaced too;
// external account ids are hidden.
func (r *Result) Pseudonymise(p *privacy.Pseudonymizer) {
	for c, col := range r.Columns {
		name := strings.ToLower(col.Name)
		for _, row := range r.Rows {
			row[c] = pseudonymCell(p, name, row[c])
		}
	}
}

func pseudonymCell(p *privacy.Pseudonymizer, col string, v any) any {
	switch s := v.(type) {
	case string:
		if strings.HasPrefix(s, "(") { // a placeholder such as "(undecided)"
			return v
		}
		switch {
		case personColumns[col], p.Known(s):
			return p.Name(s)
		case col == "external_id":
			return "(hidden)"
		}
	case map[string]any:
		if col == "evidence" {
			return pseudonymEvidence(p, s)
		}
	}
	return v
}

func pseudonymEvidence(p *privacy.Pseudonymizer, ev map[string]any) map[string]any {
	people, ok := ev["people"].([]any)
	if !ok {
		return ev
	}
	out := make(map[string]any, len(ev))
	for k, v := range ev {
		out[k] = v
	}
	named := make([]any, len(people))
	for i, v := range people {
		if s, ok := v.(string); ok {
			named[i] = p.Name(s)
		} else {
			named[i] = v
		}
	}
	out["people"] = named
	return out
}

// documentedView reports whether name is one of the analysis views.
func documentedView(name string) bool {
	for _, d := range analysis.DerivedFacts() {
		if d.Name == name {
			return true
		}
	}
	return false
}

// Prepare runs stmts on conn: TEMP macros, and TEMP views in front of
// the file's derived facts (analysis.WindowFacts) so that a question reads
// them as of its own time, not as the window last analysed left them. The
// views are made only over a file an analysis prepared
// (analysis.Analysed): a file never analysed lacks their inputs, and one
// whose facts were written some other way keeps them as they are.
func Prepare(ctx context.Context, conn *sql.Conn, stmts []string) error {
	if len(stmts) == 0 {
		return nil
	}
	analysed, err := analysis.Analysed(ctx, conn)
	if err != nil {
		return fmt.Errorf("derived facts: %w", err)
	}
	for _, stmt := range stmts {
		if !analysed && strings.HasPrefix(stmt, "CREATE OR REPLACE TEMP VIEW ") {
			continue
		}
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("derived facts: %w", err)
		}
	}
	return nil
}
