package query

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrRefused reports a statement CheckReadOnly will not run.
var ErrRefused = errors.New("refused")

// readers are the statements a read-only query may start with.
var readers = map[string]bool{
	"SELECT": true, "WITH": true, "FROM": true, "VALUES": true, "TABLE": true,
	"DESCRIBE": true, "SHOW": true, "SUMMARIZE": true, "EXPLAIN": true,
	"PIVOT": true, "UNPIVOT": true, "(": true,
}

// writers change the database, its settings or the files around it.
var writers = map[string]bool{
	"INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true, "UPSERT": true,
	"CREATE": true, "DROP": true, "ALTER": true, "TRUNCATE": true, "COMMENT": true,
	"COPY": true, "EXPORT": true, "IMPORT": true, "ATTACH": true, "DETACH": true, "USE": true,
	"INSTALL": true, "LOAD": true, "FORCE": true, "SET": true, "RESET": true, "PRAGMA": true,
	"CALL": true, "CHECKPOINT": true, "VACUUM": true, "ANALYZE": true,
	"BEGIN": true, "COMMIT": true, "ROLLBACK": true, "ABORT": true, "START": true,
	"PREPARE": true, "EXECUTE": true, "DEALLOCATE": true,
}

// dml may follow a WITH clause.
var dml = map[string]bool{"INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true}

// CheckReadOnly refuses text unless it is a single statement that only
// reads: it must start with SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE,
// SHOW, SUMMARIZE, EXPLAIN or PIVOT, and no write statement may hide in a
// WITH. String literals, quoted names and comments are skipped. The
// read-only database handle is the second line of defence.
func CheckReadOnly(text string) error {
	stmts := statements(text)
	switch {
	case len(stmts) == 0:
		return fmt.Errorf("%w: the query is empty", ErrRefused)
	case len(stmts) > 1:
		return fmt.Errorf("%w: %d statements given; run one statement at a time", ErrRefused, len(stmts))
	}
	words := stmts[0]
	first := words[0].text
	if first == "EXPLAIN" {
		words = words[1:]
		if len(words) > 0 && words[0].text == "ANALYZE" {
			words = words[1:]
		}
		if len(words) == 0 {
			return fmt.Errorf("%w: EXPLAIN of nothing", ErrRefused)
		}
		first = words[0].text
	}
	if writers[first] {
		return fmt.Errorf("%w: %s is not allowed in queries: it changes the database, its settings or files, and a query only reads (use SELECT; 'systemic export' writes files)", ErrRefused, first)
	}
	if !readers[first] {
		return fmt.Errorf("%w: a statement starting with %s is not allowed in queries (use SELECT, WITH, FROM, DESCRIBE, SHOW or SUMMARIZE)", ErrRefused, first)
	}
	if first == "WITH" {
		for _, w := range words {
			if w.depth == 0 && dml[w.text] {
				return fmt.Errorf("%w: %s is not allowed in queries: it changes the database, and a query only reads", ErrRefused, w.text)
			}
		}
	}
	return nil
}

type word struct {
	text  string // upper-cased keyword or identifier, or "("
	depth int    // parenthesis depth
}

// statements splits text into statements of words, skipping literals,
// quoted identifiers and comments.
func statements(text string) [][]word {
	var stmts [][]word
	var cur []word
	depth := 0
	r := []rune(text)
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == '-' && i+1 < len(r) && r[i+1] == '-':
			for i < len(r) && r[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(r) && r[i+1] == '*':
			i = skipTo(r, i+2, "*/")
		case c == '\'' || c == '"' || c == '`':
			i = skipQuoted(r, i, c)
			cur = append(cur, word{"'", depth})
		case c == '$' && i+1 < len(r) && r[i+1] == '$':
			i = skipTo(r, i+2, "$$")
			cur = append(cur, word{"'", depth})
		case c == ';':
			if len(cur) > 0 {
				stmts = append(stmts, cur)
			}
			cur, depth = nil, 0
		case c == '(':
			cur = append(cur, word{"(", depth})
			depth++
		case c == ')':
			depth--
		case unicode.IsLetter(c) || c == '_':
			j := i
			for j < len(r) && (unicode.IsLetter(r[j]) || unicode.IsDigit(r[j]) || r[j] == '_') {
				j++
			}
			cur = append(cur, word{strings.ToUpper(string(r[i:j])), depth})
			i = j - 1
		}
	}
	if len(cur) > 0 {
		stmts = append(stmts, cur)
	}
	return stmts
}

// skipTo returns the index of the last rune of the first end at or after
// i (or past the text when there is none).
func skipTo(r []rune, i int, end string) int {
	e := []rune(end)
	for ; i+len(e) <= len(r); i++ {
		if string(r[i:i+len(e)]) == end {
			return i + len(e) - 1
		}
	}
	return len(r)
}

// skipQuoted returns the index of the quote closing the literal opened at
// i (a doubled quote is an escaped one).
func skipQuoted(r []rune, i int, q rune) int {
	for j := i + 1; j < len(r); j++ {
		if r[j] == q {
			if j+1 < len(r) && r[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(r)
}

// RunSQL checks text with CheckReadOnly and runs it on db, after the
// prepare statements on the same connection (as Run).
func RunSQL(ctx context.Context, db *sql.DB, text string, prepare ...string) (*Result, error) {
	if err := CheckReadOnly(text); err != nil {
		return nil, err
	}
	res, err := fetch(ctx, db, prepare, text)
	if err != nil {
		return nil, explain(err)
	}
	return res, nil
}
