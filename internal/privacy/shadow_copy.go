package privacy

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// role says how the copy treats a column, by its name.
type role int

const (
	keep     role = iota // not about people: copied as is
	mixed                // may hold a person among other values: known people replaced
	person               // a person id or name: always a pseudonym
	identity             // an identity (account) id: <source>/person-N
	erase                // emails: NULL
	hidden               // external account ids: "(hidden)"
)

var roles = map[string]role{
	"identity_id": identity, "assignee_id": identity, "reporter_id": identity, "actor_id": identity,
	"author_id": identity, "reviewer_id": identity, "requester_id": identity, "merged_by_id": identity,
	"person_id": person, "person": person, "reviewer": person, "author": person, "decider": person,
	"assignee": person, "reporter": person, "requester": person, "actor": person, "owner": person,
	"display_name": person, "login": person,
	"email": erase, "external_id": hidden,
	// Ids and keys of items, events and runs: never a person, and large.
	"item_id": keep, "event_id": keep, "key": keep, "comment_id": keep, "review_id": keep,
	"request_id": keep, "run_id": keep, "url": keep,
}

// changeValues are the columns of an event holding the old and new value
// of its field; personFields the fields whose values are people.
var (
	changeValues = map[string]bool{"from_value": true, "to_value": true, "from_id": true, "to_id": true}
	personFields = "'assignee', 'reporter', 'creator', 'requested_reviewer', 'review_requester', 'author', 'actor'"
)

func roleOf(col string) role {
	c := strings.ToLower(col)
	if r, ok := roles[c]; ok {
		return r
	}
	switch {
	case c == "team" || strings.HasSuffix(c, "_team"):
		return keep
	case strings.HasSuffix(c, "_by"):
		return person
	}
	return mixed
}

type column struct{ name, typ string }

type relation struct {
	name string
	cols []column
}

// relations lists every table and view of the main database with its columns.
func relations(ctx context.Context, conn *sql.Conn) ([]relation, error) {
	rows, err := conn.QueryContext(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var rels []relation
	for rows.Next() {
		var t string
		var c column
		if err := rows.Scan(&t, &c.name, &c.typ); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		if len(rels) == 0 || rels[len(rels)-1].name != t {
			rels = append(rels, relation{name: t})
		}
		rels[len(rels)-1].cols = append(rels[len(rels)-1].cols, c)
	}
	return rels, rows.Err()
}

// copyRelation creates shadow.<name> from main.<name>, each text column
// rewritten by its role, then rewrites the JSON columns in Go.
func (m *shadowMaps) copyRelation(ctx context.Context, conn *sql.Conn, r relation) error {
	var sel, joins []string
	var jsonCols []string
	hasField := slices.ContainsFunc(r.cols, func(c column) bool { return c.name == "field" })
	for i, c := range r.cols {
		col := "t." + sqlName(c.name)
		expr := col
		if c.typ == "JSON" {
			jsonCols = append(jsonCols, c.name)
		}
		if c.typ == "VARCHAR" {
			expr, joins = m.columnExpr(col, roleOf(c.name), i, joins)
			if hasField && changeValues[c.name] {
				// A change of a person field names people even when the
				// store does not know them: those get a pseudonym too.
				var who string
				who, joins = m.columnExpr(col, person, i+len(r.cols), joins)
				expr = fmt.Sprintf("CASE WHEN t.field IN (%s) THEN %s ELSE %s END", personFields, who, expr)
			}
		}
		sel = append(sel, expr+" AS "+sqlName(c.name))
	}
	q := fmt.Sprintf("CREATE TABLE shadow.%s AS SELECT %s FROM main.%s t %s", sqlName(r.name),
		strings.Join(sel, ", "), sqlName(r.name), strings.Join(joins, " "))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return err
	}
	for _, c := range jsonCols {
		if err := m.rewriteJSON(ctx, conn, r.name, c); err != nil {
			return err
		}
	}
	return nil
}

// columnExpr is the SELECT expression for a text column col of the given
// role; it adds the join to a map it needs.
func (m *shadowMaps) columnExpr(col string, r role, i int, joins []string) (string, []string) {
	alias := fmt.Sprintf("m%d", i)
	join := func(table string) []string {
		return append(joins, fmt.Sprintf("LEFT JOIN shadow.%s %s ON %s.k = %s", table, alias, alias, col))
	}
	pass := fmt.Sprintf("%[1]s IS NULL OR %[1]s = '' OR starts_with(%[1]s, 'team:') OR starts_with(%[1]s, '(')", col)
	hash := fmt.Sprintf("'person-' || substr(sha256(%s || chr(0) || %s), 1, 6)", sqlString(m.salt), col)
	switch r {
	case mixed:
		return fmt.Sprintf("coalesce(%s.v, %s)", alias, col), join("_person_map")
	case person:
		return fmt.Sprintf("CASE WHEN %s THEN %s ELSE coalesce(%s.v, %s) END", pass, col, alias, hash), join("_person_map")
	case identity:
		return fmt.Sprintf("CASE WHEN %s THEN %s ELSE coalesce(%s.v, %s) END", pass, col, alias, hash), join("_identity_map")
	case erase:
		return "NULL::VARCHAR", joins
	case hidden:
		return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE '(hidden)' END", col), joins
	}
	return col, joins
}

// rewriteJSON replaces people inside a JSON column of a copied table: any
// string that is a known person, identity or alias, and every entry of a
// "people" list.
func (m *shadowMaps) rewriteJSON(ctx context.Context, conn *sql.Conn, table, col string) error {
	q := fmt.Sprintf("SELECT rowid, %s::VARCHAR FROM shadow.%s WHERE %[1]s IS NOT NULL", sqlName(col), sqlName(table))
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	type change struct {
		rowid int64
		val   string
	}
	var changes []change
	for rows.Next() {
		var c change
		var raw string
		if err := rows.Scan(&c.rowid, &raw); err != nil {
			rows.Close()
			return err
		}
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			rows.Close()
			return fmt.Errorf("%s.%s row %d: %w", table, col, c.rowid, err)
		}
		out, err := json.Marshal(m.walk(v, false))
		if err != nil {
			rows.Close()
			return err
		}
		if c.val = string(out); c.val != raw {
			changes = append(changes, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	upd := fmt.Sprintf("UPDATE shadow.%s SET %s = ? WHERE rowid = ?", sqlName(table), sqlName(col))
	for _, c := range changes {
		if _, err := conn.ExecContext(ctx, upd, c.val, c.rowid); err != nil {
			return err
		}
	}
	return nil
}

// walk returns v with people replaced; inPeople is set inside a list of
// people, where an unknown id still becomes a pseudonym.
func (m *shadowMaps) walk(v any, inPeople bool) any {
	switch x := v.(type) {
	case string:
		if p, ok := m.person[x]; ok {
			return p
		}
		if p, ok := m.identity[x]; ok {
			return p
		}
		if inPeople {
			return m.p.Name(x)
		}
		return x
	case []any:
		for i := range x {
			x[i] = m.walk(x[i], inPeople)
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = m.walk(x[k], k == "people" || roleOf(k) == person || roleOf(k) == identity)
		}
		return x
	}
	return v
}
