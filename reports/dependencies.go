package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// Late is the verdict of a goal or dependency whose last item was done
// after its due date; LateDays says by how much.
const Late = "late"

// DependencyResult is one promised delivery between teams.
type DependencyResult struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	From        string    `json:"from"` // delivers
	To          string    `json:"to"`   // waits
	What        string    `json:"what"`
	Due         string    `json:"due"`
	Verdict     string    `json:"verdict"`
	Reason      string    `json:"reason"`
	Progress    Progress  `json:"progress"`
	DeliveredAt string    `json:"delivered_at,omitempty"`
	LateDays    int       `json:"late_days,omitempty"`
	Forecast    *Forecast `json:"forecast,omitempty"`
	Wait        Wait      `json:"downstream_wait"`
	// Findings are the findings about this entry ("critical wip overload: person-3 (data)").
	Findings []string `json:"findings,omitempty"`
}

// Wait is the waiting a dependency's items caused downstream: items of
// other teams blocked by them.
type Wait struct {
	NotMeasured string   `json:"not_measured,omitempty"`
	Items       int      `json:"items"`
	Hours       float64  `json:"hours"` // working hours
	Teams       []string `json:"teams"`
}

func (m *model) dependency(ctx context.Context, d config.Dependency) (DependencyResult, error) {
	res := DependencyResult{ID: d.ID, Title: d.Title, From: d.From, To: d.To, What: d.What, Due: d.Due.String(),
		Wait: Wait{Teams: []string{}}}
	where := fmt.Sprintf("dependencies %s (line %d)", d.ID, d.Line)
	prog, kinds, err := m.scope(ctx, d.Scope, where)
	if err != nil {
		return res, err
	}
	res.Progress = prog
	if res.Wait, err = m.downstreamWait(ctx, d.Scope, where); err != nil {
		return res, err
	}
	dueEnd := d.Due.AddDate(0, 0, 1)
	if prog.Items > 0 && prog.Remaining == 0 {
		at, err := m.doneAt(ctx, d.Scope, where)
		if err != nil {
			return res, err
		}
		res.Verdict, res.Reason = Unknown, "all "+plural(prog.Items, "item", "items")+" delivered, but none records when, so whether the due date was kept is unknown"
		if !at.IsZero() {
			res.DeliveredAt = day(at)
			res.Verdict, res.Reason = delivered(at, d.Due.Time, &res.LateDays)
		}
		return res, nil
	}
	if prog.Remaining > 0 && m.asOf.Before(dueEnd) {
		hist, err := m.throughput(ctx, d.From, kinds)
		if err != nil {
			return res, err
		}
		res.Forecast = Simulate(prog.Remaining, hist, m.opts.Thresholds.ForecastTrials, seedFor("dependency", d.ID), m.asOf)
	}
	res.Verdict, res.Reason = judge(prog, res.Forecast, d.Due.Time, m.asOf, d.From)
	if prog.Items == 0 {
		res.Reason, err = m.noItemsYet(ctx, d.Scope, where, res.Reason)
	}
	return res, err
}

// doneAt is when the last item of a fully done scope was resolved (zero
// when no item records it).
func (m *model) doneAt(ctx context.Context, s config.Scope, where string) (time.Time, error) {
	var at sql.NullTime
	if err := m.db.QueryRowContext(ctx, `SELECT max(resolved_at) `+scopeFrom(s), scopeArgs(s, m.asOf)...).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("%s: done date: %w", where, err)
	}
	return at.Time, nil
}

// delivered is the verdict of work whose last item was done at at: done
// (on time) when that was on or before the due day, late by whole days
// otherwise. Goals and dependencies share it, so "late" means one thing.
func delivered(at, due time.Time, lateDays *int) (string, string) {
	dueEnd := due.AddDate(0, 0, 1)
	if due.IsZero() || at.Before(dueEnd) {
		return Done, fmt.Sprintf("done %s, on time", day(at))
	}
	*lateDays = int(math.Ceil(at.Sub(dueEnd).Hours() / 24))
	return Late, fmt.Sprintf("done %s, %s after due %s", day(at), plural(*lateDays, "day", "days"), day(due))
}

// scopeFrom is "FROM items WHERE <in scope>" for scopeArgs.
func scopeFrom(s config.Scope) string {
	var conds []string
	for _, x := range selectors(s) {
		conds = append(conds, x.cond)
	}
	if len(conds) == 0 {
		conds = []string{"false"}
	}
	return `FROM items WHERE kind <> 'epic' AND (created_at IS NULL OR created_at < ?) AND (` + strings.Join(conds, " OR ") + ")"
}

func scopeArgs(s config.Scope, asOf time.Time) []any {
	args := []any{asOf}
	for _, x := range selectors(s) {
		args = append(args, x.args...)
	}
	return args
}

// downstreamWait sums the waits other teams had on the scope's items.
func (m *model) downstreamWait(ctx context.Context, s config.Scope, where string) (Wait, error) {
	w := Wait{Teams: []string{}}
	if why, ok := m.need("v_dependency_waits", "dependency waits"); !ok {
		w.NotMeasured = why
		return w, nil
	}
	q := `SELECT count(DISTINCT waiting_key),
	coalesce(sum(coalesce(work_hours, work_hours(start_at, ?::TIMESTAMPTZ))), 0),
	coalesce(string_agg(DISTINCT waiting_team, ',' ORDER BY waiting_team), '')
FROM v_dependency_waits WHERE start_at < ? AND blocker_key IN (SELECT key ` + scopeFrom(s) + `)`
	args := append([]any{m.asOf, m.asOf}, scopeArgs(s, m.asOf)...)
	var teams string
	if err := m.db.QueryRowContext(ctx, q, args...).Scan(&w.Items, &w.Hours, &teams); err != nil {
		err = fmt.Errorf("%s: downstream wait: %w", where, err)
		w.NotMeasured = err.Error()
		return w, m.soft(ctx, "dependency waits", err)
	}
	w.Hours = round(w.Hours, 1)
	if teams != "" {
		w.Teams = strings.Split(teams, ",")
	}
	return w, nil
}
