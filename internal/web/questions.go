package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/reports"
)

func (s *Server) questions(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "questions", false, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		p.Title, p.Data = "Questions", query.Questions()
		return "questions", nil
	})
}

// form is a question's parameters as the URL gives them.
type form struct {
	Team, Period, From, To, Pattern, Limit string
}

type questionData struct {
	Question query.Question
	Form     form
	Teams    []string
	Patterns []string
	SQL      string
	Header   []string
	Rows     [][]string
	Series   []seriesRow
	Periods  []string
}

// seriesRow is one line of a question's chart: a group (team and metric)
// over the periods of the answer.
type seriesRow struct {
	Label string
	Chart template.HTML
	Last  string
}

// question shows the question's form and its answer: query.Run on the
// view, as `systemic query NAME` runs it.
func (s *Server) question(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "questions", false, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		q, ok := query.Lookup(r.PathValue("name"))
		if !ok {
			return "", notFound("no question " + r.PathValue("name") + ": the questions page lists them")
		}
		u := r.URL.Query()
		d := questionData{Question: q, Form: form{Team: u.Get("team"), Period: u.Get("period"), From: u.Get("from"),
			To: u.Get("to"), Pattern: u.Get("pattern"), Limit: u.Get("limit")}}
		p.Title, p.Data = q.Name, &d
		var err error
		if d.Teams, err = teamNames(ctx, v); err != nil {
			return "", err
		}
		for _, m := range analysis.Modules() {
			if m.Name() != "flow" {
				d.Patterns = append(d.Patterns, m.Name())
			}
		}
		params, err := s.params(q, d.Form, d.Teams)
		if err != nil {
			return "question", err
		}
		d.SQL = q.ShowSQL(params)
		res, err := query.Run(ctx, v.DB, q, params, s.facts(params.Now, window{})...)
		if err != nil {
			return "question", err
		}
		d.Header, d.Rows = cells(res)
		d.Periods, d.Series = series(res)
		return "question", nil
	})
}

// params checks the form as `systemic query` checks its flags.
func (s *Server) params(q query.Question, f form, teams []string) (query.Params, error) {
	given := map[string]bool{"team": f.Team != "", "pattern": f.Pattern != "", "limit": f.Limit != "",
		"period": f.Period != "" || f.From != "" || f.To != ""}
	for _, name := range []string{"team", "period", "pattern", "limit"} {
		if given[name] && !q.Takes(name) {
			return query.Params{}, fmt.Errorf("%s does not take %s", q.Name, name)
		}
	}
	if f.Team != "" && len(teams) > 0 && !contains(teams, f.Team) {
		return query.Params{}, fmt.Errorf("team %q: no such team (teams: %s)", f.Team, strings.Join(teams, ", "))
	}
	now := s.opts.Now()
	from, to, err := query.Window(f.Period, f.From, f.To, now)
	if err != nil {
		return query.Params{}, err
	}
	limit := -1
	if f.Limit != "" {
		if limit, err = strconv.Atoi(f.Limit); err != nil || limit < 0 {
			return query.Params{}, errors.New("limit: use 0 for all rows or a positive number")
		}
	}
	return query.Params{Team: f.Team, From: from, To: to, Limit: limit, Pattern: f.Pattern, Now: now}, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// cells are the answer's values as `systemic query` prints them.
func cells(res *query.Result) ([]string, [][]string) {
	head := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		head[i] = c.Name
	}
	rows := make([][]string, len(res.Rows))
	for i, row := range res.Rows {
		rows[i] = make([]string, len(row))
		for j, v := range row {
			rows[i][j] = query.Text(v)
		}
	}
	return head, rows
}

// series draws an answer that is a series (a period column and a value
// column) as one sparkline per group of its other text columns, with the
// chart code of the report.
func series(res *query.Result) ([]string, []seriesRow) {
	col := map[string]int{}
	for i, c := range res.Columns {
		col[c.Name] = i
	}
	pi, okP := col["period"]
	vi, okV := col["value"]
	if !okP || !okV {
		return nil, nil
	}
	var groupCols []int
	for i, c := range res.Columns {
		if i != pi && i != vi && (c.Type == "VARCHAR") {
			groupCols = append(groupCols, i)
		}
	}
	periodSet := map[string]bool{}
	values := map[string]map[string]float64{}
	var order []string
	for _, row := range res.Rows {
		var key []string
		for _, g := range groupCols {
			key = append(key, query.Text(row[g]))
		}
		k := strings.Join(key, " · ")
		if values[k] == nil {
			values[k] = map[string]float64{}
			order = append(order, k)
		}
		per := query.Text(row[pi])
		periodSet[per] = true
		if f, ok := number(row[vi]); ok {
			values[k][per] = f
		}
	}
	var periods []string
	for per := range periodSet {
		periods = append(periods, per)
	}
	sort.Strings(periods)
	var out []seriesRow
	for _, k := range order {
		vals := make([]*float64, len(periods))
		last := ""
		for i, per := range periods {
			if f, ok := values[k][per]; ok {
				vals[i] = &f
				last = strconv.FormatFloat(f, 'g', 4, 64)
			}
		}
		out = append(out, seriesRow{Label: k, Chart: template.HTML(reports.Sparkline(vals)), Last: last})
	}
	return periods, out
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int:
		return float64(x), true
	}
	f, err := strconv.ParseFloat(query.Text(v), 64)
	return f, err == nil
}

func (s *Server) views(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "views", false, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		vs, err := query.Views(ctx, v.DB)
		if err != nil {
			return "", err
		}
		p.Title, p.Data = "Views", vs
		return "views", nil
	})
}
