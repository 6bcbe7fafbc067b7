package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/reports"
)

// page is what every template gets.
type page struct {
	Title   string
	Nav     string   // the section, highlighted in the menu
	Windows []window // analysed windows for the period selector
	Window  window   // the selected one
	// Path is the page's path: the period selector submits to it.
	Path          string
	Busy          string
	AsOf          time.Time
	Pseudonymised bool
	Error         string
	Data          any
}

// link is a page URL keeping the period.
func (p *page) Link(path string, kv ...string) string {
	v := url.Values{}
	if p.Window.Value != "" {
		v.Set("period", p.Window.Value)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// handler is a page's work on a view: it fills p.Data (and p.Title) and
// names its template.
type handler func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error)

// serve acquires the view, resolves the period when the page has one,
// runs h and renders its template; failures become the page's error.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, nav string, withPeriod bool, h handler) {
	ctx := r.Context()
	p := &page{Nav: nav, Path: r.URL.Path}
	v, release, err := s.opts.Source.Acquire(ctx)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, live.ErrBusy) {
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "30")
		}
		s.render(w, status, "error", &page{Title: "Not available", Error: err.Error()})
		return
	}
	defer release()
	p.Busy, p.AsOf, p.Pseudonymised = v.Busy(), v.AsOf, v.Pseudonymised
	if withPeriod {
		if p.Windows, err = analysed(ctx, v); err == nil {
			p.Window, err = s.pickWindow(r, p.Windows)
		}
		for i := range p.Windows {
			p.Windows[i].Selected = p.Windows[i].Value == p.Window.Value
		}
		if err != nil {
			p.Title, p.Error = "Choose a period", err.Error()
			s.render(w, http.StatusBadRequest, "error", p)
			return
		}
	}
	name, err := h(ctx, r, v, p)
	status := http.StatusOK
	var nf notFound
	switch {
	case errors.As(err, &nf):
		status, p.Error, name = http.StatusNotFound, err.Error(), "error"
	case err != nil && name == "":
		status, p.Error, name = http.StatusInternalServerError, err.Error(), "error"
	case err != nil: // shown on the page itself (a question's bad input)
		status, p.Error = http.StatusBadRequest, err.Error()
	}
	s.render(w, status, name, p)
}

type notFound string

func (e notFound) Error() string { return string(e) }

func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	var b strings.Builder
	if err := s.pages.ExecuteTemplate(&b, name+".html", p); err != nil {
		http.Error(w, "render "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "home", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		rep, err := s.report_(ctx, v, p.Window)
		if err != nil {
			return "", err
		}
		p.Title, p.Data = "Overview "+p.Window.Label, rep
		return "home", nil
	})
}

// report serves the report of the period: the very HTML `systemic report`
// writes.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "report", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		rep, err := s.report_(ctx, v, p.Window)
		if err != nil {
			return "", err
		}
		b, err := reports.HTML(rep)
		if err != nil {
			return "", err
		}
		p.Title, p.Data = "Report "+p.Window.Label, template.HTML(b)
		return "raw", nil
	})
}

// findingFilter is the findings page's filter, from the URL.
type findingFilter struct {
	Team, Pattern, Severity, Layer string
}

func (f findingFilter) keep(x reports.Finding) bool {
	return (f.Team == "" || x.Team == f.Team) && (f.Pattern == "" || x.Pattern == f.Pattern) &&
		(f.Severity == "" || x.Severity == f.Severity) && (f.Layer == "" || x.Layer == f.Layer)
}

type findingsData struct {
	Filter             findingFilter
	Teams, Patterns    []string
	Severities, Layers []string
	Findings           []reports.Finding
	Total              int
	NotMeasured        []string
	Analysis           reports.AnalysisInfo
}

func (s *Server) findings(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "findings", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		rep, err := s.report_(ctx, v, p.Window)
		if err != nil {
			return "", err
		}
		q := r.URL.Query()
		d := findingsData{Filter: findingFilter{Team: q.Get("team"), Pattern: q.Get("pattern"),
			Severity: q.Get("severity"), Layer: q.Get("layer")},
			Severities: []string{analysis.Critical, analysis.Warn, analysis.Info}, Layers: []string{"content", "interaction"},
			Total: len(rep.Findings), NotMeasured: rep.Coverage.NotMeasured, Analysis: rep.Analysis}
		if d.Teams, err = teamNames(ctx, v); err != nil {
			return "", err
		}
		for _, m := range analysis.Modules() {
			if m.Name() != "flow" {
				d.Patterns = append(d.Patterns, m.Name())
			}
		}
		for _, f := range rep.Findings {
			if d.Filter.keep(f) {
				d.Findings = append(d.Findings, f)
			}
		}
		p.Title, p.Data = "Findings "+p.Window.Label, d
		return "findings", nil
	})
}

type findingData struct {
	Finding  reports.Finding
	Values   []kv
	Timeline []timelineRow
}

type kv struct {
	Key   string
	Value string
}

func (s *Server) finding(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "findings", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		rep, err := s.report_(ctx, v, p.Window)
		if err != nil {
			return "", err
		}
		rank, err := strconv.Atoi(r.PathValue("rank"))
		if err != nil || rank < 1 || rank > len(rep.Findings) {
			return "", notFound("no finding " + r.PathValue("rank") + " in " + p.Window.Label + ": the findings page lists them")
		}
		f := rep.Findings[rank-1]
		d := findingData{Finding: f}
		for k, x := range f.Evidence.Values {
			d.Values = append(d.Values, kv{k, strconv.FormatFloat(x, 'f', -1, 64)})
		}
		sort.Slice(d.Values, func(i, j int) bool { return d.Values[i].Key < d.Values[j].Key })
		if d.Timeline, err = timeline(ctx, v, f); err != nil {
			return "", err
		}
		p.Title, p.Data = "Finding "+strconv.Itoa(rank)+": "+f.Pattern, d
		return "finding", nil
	})
}

// planEntry is one plan item of any kind.
type planEntry struct {
	Kind, ID, Title, Team, Verdict, Reason string
	Findings                               []reports.Finding
}

func planEntries(rep *reports.Report) []planEntry {
	var out []planEntry
	for _, g := range rep.Plan.Goals {
		out = append(out, planEntry{Kind: "goal", ID: g.ID, Title: g.Title, Team: g.Team, Verdict: g.Verdict, Reason: g.Reason})
	}
	for _, d := range rep.Plan.Dependencies {
		out = append(out, planEntry{Kind: "dependency", ID: d.ID, Title: d.Title, Team: d.To + " waits on " + d.From,
			Verdict: d.Verdict, Reason: d.Reason})
	}
	for _, d := range rep.Plan.Decisions {
		out = append(out, planEntry{Kind: "decision", ID: d.ID, Title: d.Title, Verdict: d.Verdict, Reason: d.Reason})
	}
	for _, a := range rep.Plan.Agreements {
		out = append(out, planEntry{Kind: "agreement", ID: a.ID, Title: a.Title, Verdict: a.Verdict, Reason: a.Reason})
	}
	for i, e := range out {
		for _, f := range rep.Findings {
			if slices.Contains(f.Plan, reports.PlanRef{Kind: e.Kind, ID: e.ID}) {
				out[i].Findings = append(out[i].Findings, f)
			}
		}
	}
	return out
}

type planData struct {
	Entries  []planEntry
	File     string
	Warnings []string
}

func (s *Server) plan(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "plan", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		rep, err := s.report_(ctx, v, p.Window)
		if err != nil {
			return "", err
		}
		p.Title = "Plan " + p.Window.Label
		p.Data = planData{Entries: planEntries(rep), File: rep.Plan.File, Warnings: rep.Plan.Warnings}
		return "plan", nil
	})
}

// historyRow is a plan item's verdict in one month of the trend.
type historyRow struct {
	Window  window
	Verdict string
	Reason  string
}

type planItemData struct {
	Entry   planEntry
	History []historyRow
}

func (s *Server) planItem(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "plan", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		rep, err := s.report_(ctx, v, p.Window)
		if err != nil {
			return "", err
		}
		kind, id := r.PathValue("kind"), r.PathValue("id")
		d := planItemData{}
		found := false
		for _, e := range planEntries(rep) {
			if e.Kind == kind && e.ID == id {
				d.Entry, found = e, true
			}
		}
		if !found {
			return "", notFound("the plan has no " + kind + " " + id)
		}
		// Its history: the same item judged over each month of the trend.
		for _, hw := range reports.HealthWindows(p.Window.From, p.Window.To) {
			mw := newWindow(hw.From, hw.To)
			row := historyRow{Window: mw, Verdict: reports.Unknown, Reason: "not analysed"}
			mrep, err := s.report_(ctx, v, mw)
			if err != nil {
				return "", err
			}
			if mrep.Analysis.RunID == "" && kind != "goal" && kind != "dependency" {
				d.History = append(d.History, row)
				continue
			}
			for _, e := range planEntries(mrep) {
				if e.Kind == kind && e.ID == id {
					row.Verdict, row.Reason = e.Verdict, e.Reason
				}
			}
			d.History = append(d.History, row)
		}
		p.Title, p.Data = kind+" "+id, d
		return "planitem", nil
	})
}

type teamData struct {
	Team         string
	Findings     []reports.Finding
	Plan         []planEntry
	Periods      []string
	Health       []healthRow
	HealthReason string
}

type healthRow struct {
	Label string
	Chart template.HTML
	Last  string
}

func (s *Server) teams(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "teams", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		teams, err := teamNames(ctx, v)
		if err != nil {
			return "", err
		}
		p.Title, p.Data = "Teams", teams
		return "teams", nil
	})
}

func (s *Server) team(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "teams", true, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		team := r.PathValue("team")
		teams, err := teamNames(ctx, v)
		if err != nil {
			return "", err
		}
		if !slices.Contains(teams, team) {
			return "", notFound("no team " + team + " (teams: " + strings.Join(teams, ", ") + ")")
		}
		rep, err := s.report_(ctx, v, p.Window)
		if err != nil {
			return "", err
		}
		d := teamData{Team: team, Periods: rep.Health.Periods, HealthReason: rep.Health.NotMeasured}
		linked := map[reports.PlanRef]bool{}
		for _, f := range rep.Findings {
			if f.Team == team {
				d.Findings = append(d.Findings, f)
				for _, ref := range f.Plan {
					linked[ref] = true
				}
			}
		}
		for _, e := range planEntries(rep) {
			if e.Team == team || strings.HasPrefix(e.Team, team+" ") || strings.HasSuffix(e.Team, " "+team) ||
				linked[reports.PlanRef{Kind: e.Kind, ID: e.ID}] {
				d.Plan = append(d.Plan, e)
			}
		}
		for _, hs := range rep.Health.Series {
			if hs.Team != team {
				continue
			}
			row := healthRow{Label: hs.Label, Chart: template.HTML(reports.Sparkline(hs.Values))}
			if n := len(hs.Values); n > 0 && hs.Values[n-1] != nil {
				row.Last = strconv.FormatFloat(*hs.Values[n-1], 'f', 1, 64)
			}
			d.Health = append(d.Health, row)
		}
		p.Title, p.Data = "Team "+team, d
		return "team", nil
	})
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, "", false, func(ctx context.Context, r *http.Request, v *live.View, p *page) (string, error) {
		name := r.PathValue("name")
		for _, m := range analysis.Modules() {
			if m.Name() == name {
				p.Title, p.Data = "Pattern "+name, kv{"pattern", m.Explain()}
				return "explain", nil
			}
		}
		if d, ok := analysis.MetricByName(name); ok {
			p.Title = "Metric " + name
			p.Data = kv{"metric", d.Label + " (" + string(d.Unit) + "; " + d.Aggregation + "): " + d.Definition}
			return "explain", nil
		}
		return "", notFound("no pattern or metric called " + name)
	})
}

// teamNames are the store's teams.
func teamNames(ctx context.Context, v *live.View) ([]string, error) {
	rows, err := v.DB.QueryContext(ctx, `SELECT team FROM teams UNION SELECT DISTINCT team FROM items WHERE team IS NOT NULL ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// timelineRow is the same finding in one analysed window.
type timelineRow struct {
	Window   window
	Severity string
	Score    float64
	Summary  string
}

// timeline lists every analysed window in which the same pattern found
// the same subject of the same team.
func timeline(ctx context.Context, v *live.View, f reports.Finding) ([]timelineRow, error) {
	rows, err := v.DB.QueryContext(ctx, `SELECT r.from_ts, r.to_ts, f.severity, coalesce(f.score, 0), coalesce(f.summary, '')
FROM findings f JOIN runs r USING (run_id)
WHERE f.pattern = ? AND coalesce(f.team, '') = ?
	AND (f.subject = ? OR f.subject IN (SELECT person_id FROM people WHERE display_name = ?))
ORDER BY r.from_ts, r.to_ts`, f.Pattern, f.Team, f.Subject, f.Subject)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []timelineRow
	for rows.Next() {
		var from, to time.Time
		var t timelineRow
		if err := rows.Scan(&from, &to, &t.Severity, &t.Score, &t.Summary); err != nil {
			return nil, err
		}
		t.Window = newWindow(from, to)
		out = append(out, t)
	}
	return out, rows.Err()
}
