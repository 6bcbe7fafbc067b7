package analysis

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// Options select what Analyze measures.
type Options struct {
	Env      Env      // DB is filled from the store
	Patterns []string // empty: every module
	// ConfigHash identifies the config the run used (shown in reports).
	ConfigHash string
	// Timings, when set, receives the time and rows of every step.
	Timings *Timings
	// DataVersion is the store's data version when the caller has read it
	// already ("": read it). A report reads it once for all its windows:
	// analysing a window writes no input.
	DataVersion string
	// LeavePrepared makes Ensure leave the derived facts prepared for the
	// window even when it reuses the stored run: the facts that depend on
	// the window (env_now(), v_wip, v_sprint_commitment, the views over
	// them) hold the last window prepared, which may be another. Set it for
	// the window whose derived facts are read next, such as a report's own
	// window after its health months.
	LeavePrepared bool
}

// dataVersion is opts.DataVersion, else the store's; either way the
// inputs of the window and of its previous period (the trend's) are
// fingerprinted with it, in the same pass when it is read.
func dataVersion(ctx context.Context, st *store.Store, opts Options) (string, error) {
	if opts.DataVersion != "" {
		return opts.DataVersion, PrimeInputs(ctx, st, opts.DataVersion, opts.Env.To, opts.Env.From)
	}
	return DataVersion(ctx, st, opts.Env.To, opts.Env.From)
}

// asOf is the moment open work is aged at: the window's end, or now when
// the window reaches past it. A window that ended yesterday reads the same
// tomorrow.
func asOf(env Env) time.Time {
	if env.Now.IsZero() || env.Now.After(env.To) {
		return env.To
	}
	return env.Now
}

// Summary is what one analyze run produced.
type Summary struct {
	RunID         string
	Findings      []Finding
	Metrics       int
	NotEnoughData map[string][]string // module -> scopes skipped
}

// RunID names the run of a window; re-running the same window replaces it.
func RunID(from, to time.Time) string {
	return from.UTC().Format(time.DateOnly) + ".." + to.UTC().Format(time.DateOnly)
}

// Analyze prepares the derived facts, runs the modules over the window and
// writes the run, its findings and its metrics in one transaction,
// replacing an earlier run of the same window.
func Analyze(ctx context.Context, st *store.Store, opts Options) (Summary, error) {
	// The stable derived tables follow the whole store, not one window.
	version, err := dataVersion(ctx, st, opts)
	if err != nil {
		return Summary{}, err
	}
	key, err := windowKey(ctx, st, version, opts.Env, opts.ConfigHash)
	if err != nil {
		return Summary{}, err
	}
	return analyze(ctx, st, opts, version, key)
}

// analyze is Analyze with the store's data version and the window's key
// already read (Ensure reads them to decide whether to analyse at all).
func analyze(ctx context.Context, st *store.Store, opts Options, version string, key runKey) (Summary, error) {
	env := windowEnv(st, opts)
	if err := prepare(ctx, env.DB, &env, version); err != nil {
		return Summary{}, err
	}
	mods := Modules()
	if len(opts.Patterns) > 0 {
		mods = mods[:0]
		for _, name := range opts.Patterns {
			m, err := Lookup(name)
			if err != nil {
				return Summary{}, err
			}
			mods = append(mods, m)
		}
	}
	sum := Summary{RunID: RunID(env.From, env.To), NotEnoughData: map[string][]string{}}
	var metrics []Metric
	started := time.Now().UTC()
	for i, run := range runModules(ctx, &env, mods) {
		m, res := mods[i], run.res
		if run.err != nil {
			return Summary{}, fmt.Errorf("analyze %s: %w", m.Name(), run.err)
		}
		env.observe.took(ctx, m.Name(), StepModule, run.took, len(res.Findings)+len(res.Metrics))
		sum.Findings = append(sum.Findings, res.Findings...)
		metrics = append(metrics, res.Metrics...)
		if len(res.NotEnoughData) > 0 {
			sum.NotEnoughData[m.Name()] = res.NotEnoughData
		}
	}
	key.patterns = strings.Join(opts.Patterns, ",")
	t0 := time.Now()
	prev, err := previousPeriod(ctx, st, version, env, opts, mods, key)
	if err != nil {
		return Summary{}, err
	}
	sum.Findings = applyTrend(sum.Findings, prev, isCalendarMonth(env.From, env.To))
	env.observe.step(ctx, "trend", StepTrend, t0, len(sum.Findings))
	sum.Metrics = len(metrics)
	t0 = time.Now()
	if err := write(ctx, st, sum, metrics, &env, started, key); err != nil {
		return Summary{}, err
	}
	env.observe.step(ctx, "write", StepWrite, t0, len(sum.Findings)+len(metrics))
	// The upkeep and the write delete rows, which routine checkpoints leave
	// in place: the tables they thinned enough are rewritten here. The run
	// is stored either way: a failure leaves the space to the next
	// analysis or sync, and is only logged.
	t0 = time.Now()
	compacted, err := st.Compact(ctx)
	if err != nil && env.Logger != nil {
		env.Logger.WarnContext(ctx, "cannot compact the database; the next analysis or sync tries again", "err", err)
	}
	env.observe.step(ctx, "compact", StepCompact, t0, len(compacted))
	return sum, nil
}

// windowEnv is the Env the derived facts and the modules of opts's
// window read: the store's database, the as-of time.
func windowEnv(st *store.Store, opts Options) Env {
	env := opts.Env
	env.DB = st.DB()
	env.Now = asOf(env)
	env.observe = stepObserver{timings: opts.Timings, log: env.Logger}
	return env
}

func write(ctx context.Context, st *store.Store, sum Summary, metrics []Metric, env *Env, started time.Time, key runKey) error {
	tx, err := st.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, table := range []string{"findings", "metrics", "runs"} {
		if _, err := tx.Exec("DELETE FROM "+table+" WHERE run_id = ?", sum.RunID); err != nil {
			return fmt.Errorf("replace run %s: %w", sum.RunID, err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO runs (run_id, started_at, finished_at, from_ts, to_ts, config_hash, inputs_version, patterns)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sum.RunID, started, time.Now().UTC(), env.From.UTC(), env.To.UTC(),
		key.config, key.data, key.patterns); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	var rows [][]driver.Value
	for _, f := range sum.Findings {
		// the evidence as encoding/json writes it: the appender marshals it
		rows = append(rows, []driver.Value{sum.RunID, f.Pattern, f.Severity, f.Team, f.SubjectKind, f.Subject, f.Score, f.Summary, f.Evidence})
	}
	if err := tx.Append("findings", rows); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	rows = rows[:0]
	for _, m := range metrics {
		rows = append(rows, []driver.Value{sum.RunID, m.ScopeKind, m.Scope, m.Metric, m.Period, m.Value, int32(m.N)})
	}
	if err := tx.Append("metrics", rows); err != nil {
		return fmt.Errorf("write metrics: %w", err)
	}
	return tx.Commit()
}

// Hash returns a short stable hash of v's JSON form (config fingerprints).
func Hash(v any) string {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:6])
}
