package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/query"
)

type tools struct{ opts Options }

// Table is a tool's tabular answer.
type Table struct {
	Question string           `json:"question,omitempty" jsonschema:"the named question answered"`
	Columns  []query.Column   `json:"columns" jsonschema:"the columns, in order, with their DuckDB types"`
	Rows     []map[string]any `json:"rows" jsonschema:"the rows, one object per row keyed by column"`
	Note     string           `json:"note,omitempty" jsonschema:"what to know about the answer: rows cut, nothing analysed for the period, pseudonyms"`
}

// QuestionInfo describes a named question.
type QuestionInfo struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Params      []string `json:"params" jsonschema:"parameters it takes: team, period (with from/to), pattern, limit"`
	Limit       int      `json:"default_limit,omitempty" jsonschema:"rows returned unless limit is given (0: all)"`
}

// QuestionList is list_questions' answer.
type QuestionList struct {
	Questions []QuestionInfo `json:"questions"`
}

type none struct{}

func (t *tools) listQuestions(ctx context.Context, _ *mcp.CallToolRequest, _ none) (*mcp.CallToolResult, QuestionList, error) {
	var out QuestionList
	for _, q := range query.Questions() {
		out.Questions = append(out.Questions, QuestionInfo{Name: q.Name, Description: q.Description, Params: q.Params, Limit: q.Limit})
	}
	return nil, out, nil
}

// AskInput are a named question and its parameters.
type AskInput struct {
	Question string `json:"question" jsonschema:"the question's name, from list_questions (e.g. who-waits-on-whom)"`
	Window
	Team    string `json:"team,omitempty" jsonschema:"only this team (its name as in the teams table)"`
	Pattern string `json:"pattern,omitempty" jsonschema:"findings: only this pattern family (e.g. approval_bottleneck)"`
	Limit   *int   `json:"limit,omitempty" jsonschema:"at most this many rows (default: the question's own; at most 100 are returned)"`
}

// Window is a period, or a from/to date range.
type Window struct {
	Period string `json:"period,omitempty" jsonschema:"a month (2026-10), ISO week (2026-W41), year (2026), last-month or this-month; for a quarter or any other span give from and to"`
	From   string `json:"from,omitempty" jsonschema:"window start date YYYY-MM-DD (instead of period)"`
	To     string `json:"to,omitempty" jsonschema:"window end date YYYY-MM-DD, inclusive (instead of period)"`
}

func (t *tools) ask(ctx context.Context, _ *mcp.CallToolRequest, in AskInput) (*mcp.CallToolResult, Table, error) {
	q, ok := query.Lookup(in.Question)
	if !ok {
		return nil, Table{}, fmt.Errorf("unknown question %q: list_questions lists them", in.Question)
	}
	p, err := t.params(q, in)
	if err != nil {
		return nil, Table{}, err
	}
	return t.answer(ctx, q, p)
}

// params checks that every parameter given applies to q and resolves the
// window, as `systemic query` does.
func (t *tools) params(q query.Question, in AskInput) (query.Params, error) {
	given := map[string]bool{"team": in.Team != "", "pattern": in.Pattern != "", "limit": in.Limit != nil,
		"period": in.Period != "" || in.From != "" || in.To != ""}
	for _, name := range []string{"team", "period", "pattern", "limit"} {
		if given[name] && !q.Takes(name) {
			return query.Params{}, fmt.Errorf("%s does not take %s (it takes: %s)", q.Name, name, strings.Join(q.Params, ", "))
		}
	}
	now := t.opts.Now()
	from, to, err := query.Window(in.Period, in.From, in.To, now)
	if err != nil {
		return query.Params{}, err
	}
	limit := -1
	if in.Limit != nil {
		if limit = *in.Limit; limit < 0 {
			return query.Params{}, fmt.Errorf("limit %d: use 0 for all rows or a positive number", limit)
		}
	}
	return query.Params{Team: in.Team, From: from, To: to, Limit: limit, Pattern: in.Pattern, Now: now}, nil
}

func (t *tools) answer(ctx context.Context, q query.Question, p query.Params) (*mcp.CallToolResult, Table, error) {
	v, release, err := t.opts.Source.Acquire(ctx)
	if err != nil {
		return nil, Table{}, err
	}
	defer release()
	if err := query.KnownTeam(ctx, v.DB, p.Team); err != nil {
		return nil, Table{}, err
	}
	res, err := query.Run(ctx, v.DB, q, p, t.facts(p.Now)...)
	if err != nil {
		return nil, Table{}, err
	}
	out, err := table(res, v.Busy())
	out.Question = q.Name
	if q.Name == "findings" && len(res.Rows) == 0 && (!p.From.IsZero() || !p.To.IsZero()) {
		out.Note = strings.TrimSpace(out.Note + " No analysis of exactly this period is stored: run " +
			"'systemic report' (or 'systemic analyze') for it; this server never writes to the store.")
	}
	return nil, out, err
}

// SQLInput is one read-only statement.
type SQLInput struct {
	SQL string `json:"sql" jsonschema:"one read-only SQL statement (SELECT or WITH) over the tables and the documented views"`
}

func (t *tools) runSQL(ctx context.Context, _ *mcp.CallToolRequest, in SQLInput) (*mcp.CallToolResult, Table, error) {
	if strings.TrimSpace(in.SQL) == "" {
		return nil, Table{}, errors.New("sql is empty: give one SELECT statement (list_views shows what to read)")
	}
	v, release, err := t.opts.Source.Acquire(ctx)
	if err != nil {
		return nil, Table{}, err
	}
	defer release()
	res, err := query.RunSQL(ctx, v.DB, in.SQL, t.facts(t.opts.Now())...)
	if err != nil {
		return nil, Table{}, fmt.Errorf("%w (list_views shows the views and their columns)", err)
	}
	out, err := table(res, v.Busy())
	return nil, out, err
}

// FindingsInput filters the findings question.
type FindingsInput struct {
	Window
	Team    string `json:"team,omitempty" jsonschema:"only this team"`
	Pattern string `json:"pattern,omitempty" jsonschema:"only this pattern family (explain lists them)"`
}

func (t *tools) findings(ctx context.Context, req *mcp.CallToolRequest, in FindingsInput) (*mcp.CallToolResult, Table, error) {
	q, _ := query.Lookup("findings")
	p, err := t.params(q, AskInput{Question: q.Name, Window: in.Window, Team: in.Team, Pattern: in.Pattern})
	if err != nil {
		return nil, Table{}, err
	}
	return t.answer(ctx, q, p)
}

// ViewInfo is one documented view.
type ViewInfo struct {
	Name    string         `json:"name"`
	Meaning string         `json:"meaning"`
	Columns []query.Column `json:"columns" jsonschema:"empty when the database has no analysis yet"`
}

// ViewList is list_views' answer.
type ViewList struct {
	Views []ViewInfo `json:"views"`
}

func (t *tools) listViews(ctx context.Context, _ *mcp.CallToolRequest, _ none) (*mcp.CallToolResult, ViewList, error) {
	v, release, err := t.opts.Source.Acquire(ctx)
	if err != nil {
		return nil, ViewList{}, err
	}
	defer release()
	vs, err := query.Views(ctx, v.DB)
	if err != nil {
		return nil, ViewList{}, err
	}
	var out ViewList
	for _, x := range vs {
		out.Views = append(out.Views, ViewInfo{Name: x.Name, Meaning: x.Doc, Columns: x.Columns})
	}
	return nil, out, nil
}

// ExplainInput names a pattern or a metric.
type ExplainInput struct {
	Name string `json:"name,omitempty" jsonschema:"a pattern family (approval_bottleneck) or a metric (review_pickup_p85_hours); empty lists them all"`
}

// Explanation defines a pattern or a metric.
type Explanation struct {
	Kind       string              `json:"kind" jsonschema:"pattern, metric or index"`
	Name       string              `json:"name,omitempty"`
	Definition string              `json:"definition,omitempty"`
	Metric     *analysis.MetricDef `json:"metric,omitempty"`
	Patterns   []string            `json:"patterns,omitempty"`
	Metrics    []string            `json:"metrics,omitempty"`
}

func (t *tools) explain(ctx context.Context, _ *mcp.CallToolRequest, in ExplainInput) (*mcp.CallToolResult, Explanation, error) {
	name := strings.TrimSpace(in.Name)
	var patterns []string
	for _, m := range analysis.Modules() {
		if m.Name() == name {
			return nil, Explanation{Kind: "pattern", Name: name, Definition: m.Explain()}, nil
		}
		patterns = append(patterns, m.Name())
	}
	var metrics []string
	for _, d := range analysis.MetricDefs() {
		if d.Name == name {
			d := d
			return nil, Explanation{Kind: "metric", Name: name, Definition: d.Definition, Metric: &d}, nil
		}
		metrics = append(metrics, d.Name)
	}
	if name != "" {
		return nil, Explanation{}, fmt.Errorf("no pattern or metric called %q; patterns: %s; metrics: %s",
			name, strings.Join(patterns, ", "), strings.Join(metrics, ", "))
	}
	return nil, Explanation{Kind: "index", Patterns: patterns, Metrics: metrics}, nil
}

// table turns a result into rows as `systemic query --format json` writes
// them, cut to MaxRows with a note.
func table(res *query.Result, busy string) (Table, error) {
	out := Table{Columns: res.Columns, Note: busy}
	if out.Columns == nil {
		out.Columns = []query.Column{}
	}
	total := len(res.Rows)
	if total > MaxRows {
		res = &query.Result{Columns: res.Columns, Rows: res.Rows[:MaxRows]}
		out.Note = strings.TrimSpace(fmt.Sprintf("Showing %d of %d rows: narrow it (team, period, a WHERE clause) or aggregate. %s",
			MaxRows, total, busy))
	}
	rows, err := Rows(res)
	out.Rows = rows
	return out, err
}

// Rows are res's rows as `systemic query --format json` writes them.
func Rows(res *query.Result) ([]map[string]any, error) {
	var buf bytes.Buffer
	if err := query.Write(&buf, res, "json", 0); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	rows := []map[string]any{}
	if err := dec.Decode(&rows); err != nil {
		return nil, fmt.Errorf("answer as json: %w", err)
	}
	return rows, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// facts are the statements a question runs first (Options.Facts).
func (t *tools) facts(asOf time.Time) []string {
	if t.opts.Facts == nil {
		return nil
	}
	return t.opts.Facts(asOf)
}
