package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// PlanResult is each stated plan entry next to what was observed.
type PlanResult struct {
	File         string             `json:"file,omitempty"`
	Goals        []GoalResult       `json:"goals"`
	Dependencies []DependencyResult `json:"dependencies"`
	Decisions    []DecisionResult   `json:"decisions"`
	Agreements   []AgreementResult  `json:"agreements"`
	// Warnings: selectors that match nothing, agreements not measurable.
	Warnings []string `json:"warnings"`
}

// GoalResult is one goal: progress, forecast and verdict.
type GoalResult struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Team     string    `json:"team"`
	Due      string    `json:"due"`
	Verdict  string    `json:"verdict"`
	Reason   string    `json:"reason"`
	Progress Progress  `json:"progress"`
	Forecast *Forecast `json:"forecast,omitempty"`
	// DoneAt is when the last item in scope was done, once all are;
	// LateDays how many days after the due date that was (verdict late).
	DoneAt   string `json:"done_at,omitempty"`
	LateDays int    `json:"late_days,omitempty"`
}

func (m *model) planResults(ctx context.Context) error {
	p := m.opts.Plan
	r := &m.report.Plan
	r.Goals, r.Dependencies, r.Decisions, r.Agreements, r.Warnings =
		[]GoalResult{}, []DependencyResult{}, []DecisionResult{}, []AgreementResult{}, []string{}
	if p == nil {
		return nil
	}
	r.File = p.File
	r.Warnings = append(r.Warnings, p.Warnings...)
	for _, g := range p.Goals {
		res, err := m.goal(ctx, g)
		if err != nil {
			return err
		}
		r.Goals = append(r.Goals, res)
	}
	for _, d := range p.Dependencies {
		res, err := m.dependency(ctx, d)
		if err != nil {
			return err
		}
		r.Dependencies = append(r.Dependencies, res)
	}
	for _, d := range p.Decisions {
		res, err := m.decision(ctx, d)
		if err != nil {
			return err
		}
		r.Decisions = append(r.Decisions, res)
	}
	for _, a := range p.Agreements {
		res, err := m.agreement(ctx, a)
		if err != nil {
			return err
		}
		r.Agreements = append(r.Agreements, res)
	}
	return nil
}

func (m *model) goal(ctx context.Context, g config.Goal) (GoalResult, error) {
	res := GoalResult{ID: g.ID, Title: g.Title, Team: g.Team, Due: g.Due.String()}
	where := fmt.Sprintf("goals %s (line %d)", g.ID, g.Line)
	prog, kinds, err := m.scope(ctx, g.Scope, where)
	if err != nil {
		return res, err
	}
	res.Progress = prog
	if prog.Items > 0 && prog.Remaining == 0 {
		at, err := m.doneAt(ctx, g.Scope, where)
		if err != nil {
			return res, err
		}
		res.Verdict, res.Reason = Unknown, "all "+plural(prog.Items, "item", "items")+" done, but none records when, so whether the due date was kept is unknown"
		if !at.IsZero() {
			res.DoneAt = day(at)
			res.Verdict, res.Reason = delivered(at, g.Due.Time, &res.LateDays)
		}
		return res, nil
	}
	if prog.Remaining > 0 {
		hist, err := m.throughput(ctx, g.Team, kinds)
		if err != nil {
			return res, err
		}
		res.Forecast = Simulate(prog.Remaining, hist, m.opts.Thresholds.ForecastTrials, seedFor("goal", g.ID), m.asOf)
	}
	res.Verdict, res.Reason = judge(prog, res.Forecast, g.Due.Time, m.asOf, g.Team)
	if prog.Items == 0 {
		res.Reason, err = m.noItemsYet(ctx, g.Scope, where, res.Reason)
	}
	return res, err
}

// selector is one value of a scope selector as SQL over items.
type selector struct {
	name string // "epics GROW-100"
	cond string
	args []any
}

func selectors(s config.Scope) []selector {
	var sel []selector
	add := func(kind string, values []string, cond string, n int) {
		for _, v := range values {
			args := make([]any, n)
			for i := range args {
				args[i] = v
			}
			sel = append(sel, selector{name: kind + " " + v, cond: cond, args: args})
		}
	}
	add("epics", s.Epics, "(epic_key = ? OR parent_key = ?)", 2)
	add("keys", s.Keys, "key = ?", 1)
	add("labels", s.Labels, "list_contains(labels, ?)", 1)
	add("projects", s.Projects, "container = ?", 1)
	add("repos", s.Repos, "container = ?", 1)
	add("milestones", s.Milestones, "milestone = ?", 1)
	return sel
}

// scope measures the items a scope selects as of asOf (epics themselves are
// containers, not work) and warns about selectors that select no work
// (warnSelectors). It returns the kinds of item in scope, for a comparable
// throughput.
func (m *model) scope(ctx context.Context, s config.Scope, where string) (Progress, []string, error) {
	sel := selectors(s)
	var conds []string
	var args []any
	for _, x := range sel {
		conds = append(conds, x.cond)
		args = append(args, x.args...)
	}
	var p Progress
	if len(sel) == 0 {
		return p, nil, nil
	}
	if err := m.warnSelectors(ctx, sel, where); err != nil {
		return p, nil, err
	}
	base := `FROM items WHERE kind <> 'epic' AND (created_at IS NULL OR created_at < ?)`
	q := fmt.Sprintf(`WITH s AS (SELECT kind, coalesce(story_points, 0) AS pts,
	status_category = 'done' AND (resolved_at IS NULL OR resolved_at < ?) AS done
	%s AND (%s))
SELECT count(*), count(*) FILTER (WHERE done), coalesce(sum(pts), 0), coalesce(sum(pts) FILTER (WHERE done), 0),
	coalesce(string_agg(DISTINCT kind, ','), '') FROM s`, base, strings.Join(conds, " OR "))
	var kinds string
	all := append([]any{m.asOf, m.asOf}, args...)
	if err := m.db.QueryRowContext(ctx, q, all...).Scan(&p.Items, &p.Done, &p.Points, &p.DonePoints, &kinds); err != nil {
		return p, nil, fmt.Errorf("%s: measure scope: %w", where, err)
	}
	p.Remaining, p.RemainingPoints = p.Items-p.Done, round(p.Points-p.DonePoints, 2)
	p.Points, p.DonePoints = round(p.Points, 2), round(p.DonePoints, 2)
	if kinds == "" {
		return p, nil, nil
	}
	return p, strings.Split(kinds, ","), nil
}

// throughput is team's done items of the given kinds per week over the
// last Thresholds.ThroughputWeeks weeks before asOf, oldest first.
func (m *model) throughput(ctx context.Context, team string, kinds []string) ([]int, error) {
	weeks := m.opts.Thresholds.ThroughputWeeks
	hist := make([]int, weeks)
	if len(kinds) == 0 {
		return hist, nil
	}
	from := m.asOf.Add(-time.Duration(weeks) * 7 * 24 * time.Hour)
	q := `SELECT CAST(floor((epoch(?::TIMESTAMPTZ) - epoch(resolved_at)) / 604800) AS INTEGER) AS w, count(*)
FROM items WHERE team = ? AND status_category = 'done' AND resolved_at >= ? AND resolved_at < ?
	AND kind IN (` + placeholders(len(kinds)) + `) GROUP BY w`
	args := []any{m.asOf, team, from, m.asOf}
	for _, k := range kinds {
		args = append(args, k)
	}
	rows, err := m.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("throughput of %s: %w", team, err)
	}
	defer rows.Close()
	for rows.Next() {
		var w, n int
		if err := rows.Scan(&w, &n); err != nil {
			return nil, fmt.Errorf("throughput of %s: %w", team, err)
		}
		if w >= 0 && w < weeks {
			hist[weeks-1-w] += n
		}
	}
	return hist, rows.Err()
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// noItemsYet explains an empty scope: when the store holds its items but
// they were created after the period, the selectors are right and the
// reason says so instead of asking to check them.
func (m *model) noItemsYet(ctx context.Context, s config.Scope, where, reason string) (string, error) {
	var n int
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := m.db.QueryRowContext(ctx, `SELECT count(*) `+scopeFrom(s), scopeArgs(s, far)...).Scan(&n); err != nil {
		return reason, fmt.Errorf("%s: later items: %w", where, err)
	}
	if n == 0 {
		return reason, nil
	}
	return fmt.Sprintf("no work in scope yet: its %s created after this period", plural(n, "item was", "items were")), nil
}
