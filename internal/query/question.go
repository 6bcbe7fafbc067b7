package query

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Question is a named question: parameterised SQL over the documented
// views. The SQL names its parameters as $team, $from, $to, $limit,
// $pattern, $until and $now; only those it uses are bound.
type Question struct {
	Name        string
	Description string
	// Layer is the layer of systemic planning the question belongs to
	// (Layers): query --list groups the questions by it.
	Layer string
	// Params lists the command-line parameters the question honours
	// (team, period, limit, pattern); period stands for --period/--from/--to.
	Params []string
	// Limit is the default row limit (0: all rows).
	Limit int
	SQL   string
}

// Params are the values a question binds. Zero values mean "no filter":
// an empty Team is every team, a zero From/To an open window.
type Params struct {
	Team     string
	From, To time.Time // To exclusive
	Limit    int       // <0: the question's default; 0: all rows
	Pattern  string
	Metric   string    // a registry metric name; "" is every metric
	Now      time.Time // ages of open work are measured to Now
}

var questions = map[string]Question{}

func register(q Question) {
	if _, dup := questions[q.Name]; dup {
		panic("query: question registered twice: " + q.Name)
	}
	if !slices.Contains(Layers, q.Layer) {
		panic("query: question " + q.Name + " has no layer")
	}
	questions[q.Name] = q
}

// Questions returns every named question sorted by name.
func Questions() []Question {
	qs := make([]Question, 0, len(questions))
	for _, q := range questions {
		qs = append(qs, q)
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].Name < qs[j].Name })
	return qs
}

// Lookup returns the question called name.
func Lookup(name string) (Question, bool) {
	q, ok := questions[name]
	return q, ok
}

// Takes reports whether q honours the parameter p.
func (q Question) Takes(p string) bool {
	for _, have := range q.Params {
		if have == p {
			return true
		}
	}
	return false
}

var placeholder = regexp.MustCompile(`\$([a-z_]+)`)

// Args returns the named arguments q's SQL uses, in order of name.
func (q Question) Args(p Params) []sql.NamedArg {
	limit := p.Limit
	if limit < 0 {
		limit = q.Limit
	}
	all := map[string]any{
		"team":    p.Team,
		"from":    optTime(p.From),
		"to":      optTime(p.To),
		"pattern": p.Pattern,
		"metric":  p.Metric,
		"now":     p.Now.UTC(),
		"limit":   nil, // LIMIT NULL: every row
		"until":   nil,
	}
	if limit > 0 {
		all["limit"] = limit
	}
	if !p.To.IsZero() {
		all["until"] = p.To.Add(-time.Nanosecond).UTC().Format("2006-01")
	}
	used := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(q.SQL, -1) {
		used[m[1]] = true
	}
	var names []string
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	args := make([]sql.NamedArg, 0, len(names))
	for _, n := range names {
		args = append(args, sql.Named(n, all[n]))
	}
	return args
}

func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// ShowSQL returns q's SQL with the values it binds as a script the DuckDB
// shell runs as is: PREPARE the statement, EXECUTE it with the parameters.
func (q Question) ShowSQL(p Params) string {
	var b strings.Builder
	name := strings.ReplaceAll(q.Name, "-", "_")
	b.WriteString("-- " + q.Name + ": " + q.Description + "\n")
	b.WriteString("PREPARE " + name + " AS\n" + strings.TrimSpace(q.SQL) + ";\n")
	var args []string
	for _, a := range q.Args(p) {
		args = append(args, fmt.Sprintf("%q := %s", a.Name, literal(a.Value)))
	}
	b.WriteString("EXECUTE " + name + "(" + strings.Join(args, ", ") + ");\n")
	return b.String()
}

func literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case time.Time:
		return "TIMESTAMPTZ '" + v.Format(time.RFC3339) + "'"
	}
	return fmt.Sprint(v)
}

// Run executes q with p bound on db, after the prepare statements on the
// same connection (analysis.WindowFacts as of p.Now: the derived facts as
// of the time the question measures open work to).
func Run(ctx context.Context, db *sql.DB, q Question, p Params, prepare ...string) (*Result, error) {
	args := make([]any, 0, 8)
	for _, a := range q.Args(p) {
		args = append(args, a)
	}
	res, err := fetch(ctx, db, prepare, q.SQL, args...)
	if err != nil {
		return nil, fmt.Errorf("question %s: %w", q.Name, explain(err))
	}
	return res, nil
}
