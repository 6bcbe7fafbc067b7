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

// runKey is what a stored run was computed from: the config, the store's
// data version with the as-of time, and the patterns ("" = all).
type runKey struct {
	config, data, patterns string
}

// cacheVersion ties the store's data version to the as-of time: a window
// that reaches past now ages its open work differently every hour.
func cacheVersion(data string, env Env) string {
	return data + "@" + asOf(env).UTC().Truncate(time.Hour).Format(time.RFC3339)
}

// WindowRun says which stored run holds a window's results.
type WindowRun struct {
	ID       string
	From, To time.Time
	Cached   bool // reused: nothing changed since it was computed
	Findings int
	Metrics  int
}

// Ensure makes the store hold a complete analysis of exactly the window
// opts.Env.From..To: it reuses the stored run of that window when it was
// computed from the same data, config and as-of time with every pattern,
// and analyses the window again otherwise. Reports call it so that what
// they show is always computed for the window they print.
func Ensure(ctx context.Context, st *store.Store, opts Options) (WindowRun, error) {
	opts.Patterns = nil
	run := WindowRun{ID: RunID(opts.Env.From, opts.Env.To), From: opts.Env.From, To: opts.Env.To}
	version, err := st.DataVersion(ctx)
	if err != nil {
		return run, err
	}
	want := runKey{config: opts.ConfigHash, data: cacheVersion(version, opts.Env)}
	got, err := storedKey(ctx, st.DB(), run.ID)
	if err != nil {
		return run, err
	}
	if got == want {
		run.Cached = true
		err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM findings WHERE run_id = $1),
	(SELECT count(*) FROM metrics WHERE run_id = $1)`, run.ID).Scan(&run.Findings, &run.Metrics)
		return run, err
	}
	if st.ReadOnly() {
		return run, fmt.Errorf("analyze %s: the store is open read-only and holds no current analysis of this window", run.ID)
	}
	sum, err := Analyze(ctx, st, opts)
	if err != nil {
		return run, err
	}
	run.Findings, run.Metrics = len(sum.Findings), sum.Metrics
	return run, nil
}

func storedKey(ctx context.Context, db *sql.DB, id string) (runKey, error) {
	var k runKey
	var config, data, patterns sql.NullString
	err := db.QueryRowContext(ctx, `SELECT config_hash, data_version, patterns FROM runs WHERE run_id = ?`, id).
		Scan(&config, &data, &patterns)
	if errors.Is(err, sql.ErrNoRows) {
		return k, nil
	}
	if err != nil {
		return k, fmt.Errorf("read run %s: %w", id, err)
	}
	if !data.Valid { // a run from before runs recorded their inputs
		return k, nil
	}
	return runKey{config: config.String, data: data.String, patterns: strings.TrimSpace(patterns.String)}, nil
}

// storedPrevious reads the findings of the period of the same length
// before env's window from its stored run, when that run is current (same
// data, config and as-of time, every pattern): the months of a health
// trend are analysed oldest first, so each month's trend costs no second
// pass over the modules. ok is false when there is no such run.
func storedPrevious(ctx context.Context, st *store.Store, env Env, version string, opts Options) ([]Finding, bool, error) {
	if len(opts.Patterns) > 0 {
		return nil, false, nil
	}
	prev := env
	prev.From, prev.To, prev.Now = env.From.Add(-env.To.Sub(env.From)), env.From, env.From
	id := RunID(prev.From, prev.To)
	got, err := storedKey(ctx, st.DB(), id)
	if err != nil || got != (runKey{config: opts.ConfigHash, data: cacheVersion(version, prev)}) {
		return nil, false, err
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT pattern, severity, coalesce(team, ''), coalesce(subject_kind, ''),
	coalesce(subject, ''), coalesce(score, 0), coalesce(summary, ''), coalesce(CAST(evidence AS TEXT), '{}')
FROM findings WHERE run_id = ?`, id)
	if err != nil {
		return nil, false, fmt.Errorf("read run %s: %w", id, err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var ev string
		if err := rows.Scan(&f.Pattern, &f.Severity, &f.Team, &f.SubjectKind, &f.Subject, &f.Score, &f.Summary, &ev); err != nil {
			return nil, false, fmt.Errorf("read run %s: %w", id, err)
		}
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			return nil, false, fmt.Errorf("read run %s: evidence: %w", id, err)
		}
		if f.Evidence.Trend != TrendResolved { // a note of that run's own trend, not a finding of it
			out = append(out, f)
		}
	}
	return out, true, rows.Err()
}
