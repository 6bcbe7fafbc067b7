package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/store"
)

type syncFlags struct {
	full    bool
	only    []string
	maxWait time.Duration
}

func newSyncCmd(a *app) *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Fetch what changed in every configured tracker into the database",
		Long: `sync fetches issues, pull requests and their history from each configured source
into the DuckDB database, page by page: each page commits with its cursor, so an
interrupted sync resumes where it stopped. Re-running is safe. After fetching, it merges
identities into people and assigns items to teams from the config.

Exit codes: 0 all sources synced, 3 some sources failed or stopped early and some data
was stored (it is kept), 1 every source failed before storing anything, 2 configuration
error, 130 interrupted (Ctrl-C; what was fetched is kept and the next sync resumes).`,
		Example: `  systemic sync
  systemic sync --source acme-github --full
  systemic sync --max-wait 5m   # stop (exit 3) rather than wait longer for a rate limit`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = a.syncAll(cmd.Context(), st, cfg, f)
			return err
		},
	}
	cmd.Flags().BoolVar(&f.full, "full", false, "ignore cursors and fetch everything again")
	cmd.Flags().StringSliceVar(&f.only, "source", nil, "sync only these sources (repeatable)")
	cmd.Flags().DurationVar(&f.maxWait, "max-wait", 15*time.Minute, "longest wait for a rate-limit reset before stopping with exit 3")
	return cmd
}

// syncResult is one source's outcome.
type syncResult struct {
	source string
	stats  connectors.Stats
	status string // ok, partial, failed or interrupted
	err    error
}

// syncAll syncs the selected sources one after another, then resolves
// identities and teams. A failing source never stops the others; the
// error says which failed (wrapping ErrPartial when some succeeded).
func (a *app) syncAll(ctx context.Context, st *store.Store, cfg *config.Config, f syncFlags) ([]syncResult, error) {
	sources, err := selectSources(cfg.Sources, f.only)
	if err != nil {
		return nil, err
	}
	var results []syncResult
	for _, sc := range sources {
		r := a.syncOne(ctx, st, sc, f)
		results = append(results, r)
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil { // interrupted: the next sync resolves; leave now
		printSync(a, results)
		return results, syncError(ctx, results)
	}
	if err := st.Resolve(ctx, store.OrgOf(cfg)); err != nil {
		return results, fmt.Errorf("resolve identities and teams: %w", err)
	}
	// Upserts leave deleted rows behind; what they thinned enough is
	// rewritten now. The data is stored either way: a failure here only
	// leaves the space for the next sync or analysis to reclaim.
	if compacted, err := st.Compact(ctx); err != nil {
		a.log.Warn("cannot compact the database; the next sync or analysis tries again", "err", err)
	} else if len(compacted) > 0 {
		a.log.Debug("compacted", "tables", compacted)
	}
	printSync(a, results)
	return results, syncError(ctx, results)
}

func (a *app) syncOne(ctx context.Context, st *store.Store, sc config.Source, f syncFlags) syncResult {
	log := a.log.With("source", sc.Name)
	r := syncResult{source: sc.Name}
	src, err := connectors.New(sc)
	if err == nil {
		log.Info("sync started", "kind", sc.Kind, "full", f.full)
		r.stats, err = src.Sync(ctx, st, connectors.Options{Full: f.full, MaxWait: f.maxWait,
			Progress: a.progress(), Logger: log, Now: a.now})
	}
	r.err = err
	status := "ok"
	switch {
	case ctx.Err() != nil && err != nil:
		status = "interrupted"
	case errors.Is(err, connectors.ErrPartial) && stored(r):
		status = "partial"
	case err != nil:
		status = "failed"
	}
	switch {
	case status == "interrupted":
		log.Warn("sync interrupted; what was fetched is stored", "items", r.stats.Items)
	case err != nil:
		log.Error("sync "+status, "err", err)
	default:
		log.Info("sync finished", "items", r.stats.Items, "events", r.stats.Events, "requests", r.stats.Requests)
	}
	r.status = status
	if err := recordStatus(ctx, st, sc, status, err, a.now()); err != nil {
		log.Warn("cannot record the source status", "err", err)
	}
	return r
}

// recordStatus notes the outcome on the source row, so reports can show
// which sources are stale or failed: the attempt always, last_sync_at only
// when it succeeded (a failed attempt keeps the last success, or none).
func recordStatus(ctx context.Context, st *store.Store, sc config.Source, status string, syncErr error, now time.Time) error {
	tx, err := st.Begin(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	defer tx.Rollback()
	msg := ""
	if syncErr != nil {
		msg = privacy.RedactURLs(syncErr.Error())
	}
	var ok any
	if status == "ok" {
		ok = now.UTC()
	}
	if _, err := tx.Exec(`INSERT INTO sources (name, kind, url, last_sync_at, last_status, last_error, last_attempt_at)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_status = excluded.last_status,
last_error = excluded.last_error, last_attempt_at = excluded.last_attempt_at,
last_sync_at = coalesce(excluded.last_sync_at, sources.last_sync_at)`,
		sc.Name, sc.Kind, privacy.RedactURLs(sc.URL), ok, status, nullable(msg), now.UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func selectSources(all []config.Source, only []string) ([]config.Source, error) {
	if len(only) == 0 {
		return all, nil
	}
	var out []config.Source
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	for _, name := range only {
		found := false
		for _, s := range all {
			if s.Name == name {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			return nil, usageError("--source %s: no such source (configured: %s)", name, strings.Join(names, ", "))
		}
	}
	return out, nil
}

// stored reports whether a sync wrote anything: a stop before the first
// stored page (every request answered 503, a rate limit reset hours away)
// is a failure, not a partial sync.
func stored(r syncResult) bool { return r.stats.Items > 0 || r.stats.Events > 0 }

// syncError is nil when every source synced; a failure (exit 1) when no
// source stored anything; else ErrPartial (exit 3) naming the sources
// that did not finish.
func syncError(ctx context.Context, results []syncResult) error {
	var failed []string
	partial := false
	for _, r := range results {
		if r.err != nil {
			failed = append(failed, r.source)
		}
		partial = partial || r.err == nil || stored(r)
	}
	switch {
	case ctx.Err() != nil:
		return interruptedErr{"sync interrupted; every page fetched so far is stored, run the same command again to resume"}
	case len(failed) == 0:
		return nil
	case !partial:
		return fmt.Errorf("every source failed: %s (see the log above: check each source's url, the network, "+
			"and the environment variables its auth uses)", strings.Join(failed, ", "))
	}
	return fmt.Errorf("%w: not complete for %s (see the log above); what was fetched is stored, and the next sync resumes", connectors.ErrPartial, strings.Join(failed, ", "))
}

func printSync(a *app, results []syncResult) {
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATUS\tITEMS\tEVENTS\tREQUESTS")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", r.source, r.status, r.stats.Items, r.stats.Events, r.stats.Requests)
	}
	tw.Flush()
}
