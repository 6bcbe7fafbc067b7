package analysis

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

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
previous period of the same length: new (not found there), ongoing (same severity, score within
0.1), worse or better (graver or milder severity, else a score 0.1 or more higher or lower), resolved
(warn or critical there, gone now: listed as an info finding saying so).`

// trendKey identifies a finding across periods.
func trendKey(f Finding) string { return f.Pattern + "\x00" + f.SubjectKind + "\x00" + f.Subject }

// previousFindings runs the modules over the period of the same length
// that ends where env's window starts.
func previousFindings(ctx context.Context, env Env, mods []Module) ([]Finding, error) {
	span := env.To.Sub(env.From)
	env.From, env.To, env.Now = env.From.Add(-span), env.From, env.From
	var out []Finding
	for _, m := range mods {
		res, err := m.Run(ctx, &env)
		if err != nil {
			return nil, fmt.Errorf("analyze %s over the previous period: %w", m.Name(), err)
		}
		out = append(out, res.Findings...)
	}
	return out, nil
}

// applyTrend sets each finding's trend against the previous period's and
// appends an info finding for each warn or critical one that is gone.
func applyTrend(fs, prev []Finding) []Finding {
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
			Subject: p.Subject, Summary: fmt.Sprintf("Resolved: %s in the previous period of the same length, not found in this one.", p.Severity),
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

// previousPeriod returns the findings of the period of the same length
// before env's window: from its stored run when current, else from the
// baseline an earlier analysis of this window kept (same data, as-of time,
// config and patterns), else by running the modules over it and keeping
// their findings as that baseline.
func previousPeriod(ctx context.Context, st *store.Store, version string, env Env, opts Options, mods []Module, key runKey) ([]Finding, error) {
	prev, ok, err := storedPrevious(ctx, st, version, env, opts)
	if err != nil || ok {
		return prev, err
	}
	id := RunID(env.From, env.To)
	from := key.config + "|" + key.data + "|" + key.patterns
	if prev, ok, err = keptBaseline(ctx, st, id, from); err != nil || ok {
		return prev, err
	}
	if prev, err = previousFindings(ctx, env, mods); err != nil {
		return nil, err
	}
	return prev, keepBaseline(ctx, st, id, from, prev)
}

// trend_baselines holds, per analysed window, the previous period's
// findings and what they were computed from.
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
