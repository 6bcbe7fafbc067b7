package analysis

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// Trend values of a finding against the previous period of the same
// length.
const (
	TrendNew      = "new"      // not found in the previous period
	TrendOngoing  = "ongoing"  // found there with the same severity and about the same score
	TrendBetter   = "better"   // found there graver or stronger
	TrendWorse    = "worse"    // found there milder or weaker
	TrendResolved = "resolved" // found there at warn or above, not (or only as info) now
)

// TrendText is the trend rule, for `analyze --explain` and the glossary.
const TrendText = `Trend (every family): each finding is compared with the same pattern and subject over the
previous period (the calendar month before for a calendar month, else the period of the same length
before the window): new (not found there), ongoing (same severity, score within
0.1), worse or better (graver or milder severity, else a score 0.1 or more higher or lower), resolved
(warn or critical there, gone now: listed as an info finding saying so).`

// trendKey identifies a finding across periods.
func trendKey(f Finding) string { return f.Pattern + "\x00" + f.SubjectKind + "\x00" + f.Subject }

// previousWindow is the period a window's findings are compared with:
// the calendar month before for a calendar month in UTC (the month a
// report's health trend analysed just before, whose stored run is then
// read instead of running the modules again), else the period of the same
// length that ends where the window starts.
func previousWindow(from, to time.Time) (time.Time, time.Time) {
	if isCalendarMonth(from, to) {
		return from.AddDate(0, -1, 0), from
	}
	return from.Add(-to.Sub(from)), from
}

// isCalendarMonth says whether from..to is one calendar month in UTC.
func isCalendarMonth(from, to time.Time) bool {
	from = from.UTC()
	return from.Day() == 1 && from.Equal(from.Truncate(24*time.Hour)) && to.Equal(from.AddDate(0, 1, 0))
}

// previousFindings runs the modules over the previous period of env's
// window (previousWindow).
func previousFindings(ctx context.Context, env Env, mods []Module) ([]Finding, error) {
	env.From, env.To = previousWindow(env.From, env.To)
	env.Now = env.To
	var out []Finding
	for i, run := range runModules(ctx, &env, mods) {
		if run.err != nil {
			return nil, fmt.Errorf("analyze %s over the previous period: %w", mods[i].Name(), run.err)
		}
		out = append(out, run.res.Findings...)
	}
	return out, nil
}

// applyTrend sets each finding's trend against the previous period's and
// appends an info finding for each warn or critical one that is gone;
// month says the previous period is the calendar month before.
func applyTrend(fs, prev []Finding, month bool) []Finding {
	period := "the previous period of the same length"
	if month {
		period = "the month before"
	}
	before := map[string]Finding{}
	for _, f := range prev {
		before[trendKey(f)] = f
	}
	seen := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		seen[trendKey(*f)] = true
		p, ok := before[trendKey(*f)]
		f.Evidence.Trend = compareFindings(*f, p, ok)
	}
	for _, p := range prev {
		if seen[trendKey(p)] || p.Severity == Info {
			continue
		}
		seen[trendKey(p)] = true
		fs = append(fs, Finding{Pattern: p.Pattern, Severity: Info, Team: p.Team, SubjectKind: p.SubjectKind,
			Subject: p.Subject, Summary: fmt.Sprintf("Resolved: %s in %s, not found in this one.", p.Severity, period),
			Evidence: Evidence{People: p.Evidence.People, Trend: TrendResolved}})
	}
	return fs
}

func compareFindings(f, p Finding, found bool) string {
	switch {
	case !found:
		return TrendNew
	case severityRank[f.Severity] > severityRank[p.Severity]:
		return TrendWorse
	case severityRank[f.Severity] < severityRank[p.Severity]:
		return TrendBetter
	case f.Score >= p.Score+0.1:
		return TrendWorse
	case f.Score <= p.Score-0.1:
		return TrendBetter
	}
	return TrendOngoing
}

// previousPeriod returns the findings of the previous period of env's
// window (previousWindow): from its stored run when current, else from the
// baseline an earlier analysis kept of that period (computed from the same
// inputs of the period, config, engine and patterns, for the same as-of
// time), else by running the modules over it and keeping their findings
// as that baseline. The baseline follows the period's own inputs, not the
// window's: a sync that only brings later work leaves it current.
func previousPeriod(ctx context.Context, st *store.Store, version string, env Env, opts Options, mods []Module, key runKey) ([]Finding, error) {
	prev, ok, err := storedPrevious(ctx, st, version, env, opts)
	if err != nil || ok {
		return prev, err
	}
	period := env
	period.From, period.To = previousWindow(env.From, env.To)
	period.Now = period.To
	periodKey, err := windowKey(ctx, st, version, period, opts.ConfigHash)
	if err != nil {
		return nil, err
	}
	id := RunID(period.From, period.To)
	from := strings.Join([]string{periodKey.config, periodKey.data, key.patterns, asOf(env).UTC().Format(time.RFC3339)}, "|")
	if prev, ok, err = keptBaseline(ctx, st, id, from); err != nil || ok {
		return prev, err
	}
	if prev, err = previousFindings(ctx, env, mods); err != nil {
		return nil, err
	}
	return prev, keepBaseline(ctx, st, id, from, prev)
}

// trend_baselines holds, per previous period, its findings and what they
// were computed from.
const baselineTable = `CREATE TABLE IF NOT EXISTS trend_baselines (
	run_id VARCHAR PRIMARY KEY, computed_from VARCHAR NOT NULL, findings JSON NOT NULL)`

func keptBaseline(ctx context.Context, st *store.Store, id, from string) ([]Finding, bool, error) {
	if _, err := st.DB().ExecContext(ctx, baselineTable); err != nil {
		return nil, false, fmt.Errorf("trend baseline of %s: %w", id, err)
	}
	var text string
	err := st.DB().QueryRowContext(ctx, `SELECT CAST(findings AS TEXT) FROM trend_baselines
WHERE run_id = ? AND computed_from = ?`, id, from).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("trend baseline of %s: %w", id, err)
	}
	var fs []Finding
	if err := json.Unmarshal([]byte(text), &fs); err != nil {
		return nil, false, fmt.Errorf("trend baseline of %s: %w", id, err)
	}
	return fs, true, nil
}

func keepBaseline(ctx context.Context, st *store.Store, id, from string, fs []Finding) error {
	if fs == nil {
		fs = []Finding{}
	}
	b, err := json.Marshal(fs)
	if err != nil {
		return fmt.Errorf("trend baseline of %s: %w", id, err)
	}
	if _, err := st.DB().ExecContext(ctx, `INSERT OR REPLACE INTO trend_baselines VALUES (?, ?, ?)`, id, from, string(b)); err != nil {
		return fmt.Errorf("trend baseline of %s: %w", id, err)
	}
	return nil
}
