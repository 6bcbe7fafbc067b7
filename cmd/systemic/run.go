package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// pipeline is one sync -> analyze -> report run, as cron and demo run it.
type pipeline struct {
	window   config.Window
	out      string // reports go to out/<window label>/
	formats  []string
	names    bool
	audience string // coach or room ("" = the config's, else coach)
	plan     string // plan.yaml path ("" = the config's)
	sync     syncFlags
}

func newRunCmd(a *app) *cobra.Command {
	var p pipeline
	var period, from, to string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Sync, analyze and report in one go: the scheduled monthly job",
		Long: `run syncs every source, analyzes the period and writes the reports into a dated
folder (OUT/<period>/). It needs no terminal and is safe to re-run: re-running a
period replaces that period's results and health snapshot.

Exit codes: 0 all steps succeeded, 3 some source failed (its data is missing from
the report, which names it under coverage), 1 failure, 2 configuration error,
130 interrupted (re-run: the sync resumes where it stopped).`,
		Example: `  systemic run --period last-month --out /var/reports/systemic
  # crontab: 0 6 1 * *  systemic --config /etc/systemic.yaml run --period last-month --out /srv/reports`,
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := windowFlags(cmd, period, from, to, a.now())
			if err != nil {
				return err
			}
			p.window = w
			return a.runPipeline(cmd.Context(), p)
		},
	}
	f := cmd.Flags()
	f.StringVar(&period, "period", "last-month", periodUsage)
	f.StringVar(&from, "from", "", "window start date (with --to; overrides --period)")
	f.StringVar(&to, "to", "", "window end date, inclusive")
	f.StringVar(&p.out, "out", "reports", "folder for the dated report folders")
	f.StringSliceVar(&p.formats, "format", []string{"html", "md", "json"}, "report formats: html, md, json")
	f.BoolVar(&p.names, "names", false, "show people by name instead of pseudonyms")
	f.StringVar(&p.audience, "audience", "", audienceUsage)
	f.StringVar(&p.plan, "plan", "", "plan.yaml (default: the config's plan)")
	f.BoolVar(&p.sync.full, "full", false, "ignore sync cursors and fetch everything again")
	f.DurationVar(&p.sync.maxWait, "max-wait", 15*time.Minute, "longest wait for a rate-limit reset before stopping with exit 3")
	return cmd
}

// windowFlags turns --period or --from/--to into a window; giving both is
// a usage error rather than one silently winning.
func windowFlags(cmd *cobra.Command, period, from, to string, now time.Time) (config.Window, error) {
	if from != "" || to != "" {
		if cmd.Flags().Changed("period") {
			return config.Window{}, usageError("give --period or --from/--to, not both")
		}
		if from == "" || to == "" {
			return config.Window{}, usageError("--from and --to go together")
		}
		w, err := config.ParseWindow(from, to)
		return w, asUsage(err)
	}
	w, err := config.ParsePeriod(period, now)
	return w, asUsage(err)
}

// runPipeline syncs, analyzes and reports. A source that fails does not
// stop the run: the report is written from what is stored and names the
// failed source, and the result is ErrPartial (exit 3).
func (a *app) runPipeline(ctx context.Context, p pipeline) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if err := writableDir(p.out); err != nil { // before the sync, not after it
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	results, syncErr := a.syncAll(ctx, st, cfg, p.sync)
	if syncErr != nil && !errors.Is(syncErr, connectors.ErrPartial) {
		if ctx.Err() != nil || !anySynced(results) {
			return syncErr
		}
	}
	var failed []string
	for _, r := range results {
		if r.err != nil {
			failed = append(failed, r.source)
		}
	}
	out := filepath.Join(p.out, p.window.Label)
	if err := a.report(ctx, st, cfg, p, out, failed); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: reports written to %s without fresh data from %s (see the log above; the report's coverage section names them)",
			connectors.ErrPartial, out, strings.Join(failed, ", "))
	}
	return nil
}

func anySynced(results []syncResult) bool {
	for _, r := range results {
		if r.err == nil || errors.Is(r.err, connectors.ErrPartial) {
			return true
		}
	}
	return false
}

// analyze runs the analysis modules over the window.
func (a *app) analyze(ctx context.Context, st *store.Store, cfg *config.Config, plan *config.Plan, w config.Window, patterns []string, timings *analysis.Timings) (analysis.Summary, error) {
	agreements := analysis.PlanAgreements(plan)
	return analysis.Analyze(ctx, st, analysis.Options{
		Env: analysis.Env{Thresholds: cfg.Thresholds, States: cfg.States, Calendar: cfg.Calendar,
			From: w.From, To: w.To, Now: a.now().UTC(), Logger: a.log, Agreements: agreements},
		Patterns:   patterns,
		ConfigHash: analysisHash(cfg, agreements),
		Timings:    timings,
	})
}

// analysisHash fingerprints what an analysis depends on besides the data:
// the parts of the config the analysis reads (thresholds, state names,
// calendar) and the plan's agreements (they set the severity ladder's
// limits), so a changed agreement or threshold analyses the window again.
// The rest of the config (where the store lives, its memory, the sources
// and their tokens, privacy) does not change a finding: rotating a token
// must not throw away every stored analysis.
func analysisHash(cfg *config.Config, agreements map[string]float64) string {
	return analysis.Hash(struct {
		Thresholds config.Thresholds
		States     config.States
		Calendar   config.Calendar
		Agreements map[string]float64 `json:",omitempty"`
	}{cfg.Thresholds, cfg.States, cfg.Calendar, agreements})
}

// ensureAnalysis makes the store hold a current analysis of [from, to):
// reused when nothing changed since it was computed, else computed again.
// version is the store's data version, read once for all of a report's
// windows; read leaves the derived facts prepared for the window, whose
// views the caller reads next.
func (a *app) ensureAnalysis(ctx context.Context, st *store.Store, cfg *config.Config, plan *config.Plan, from, to time.Time, version string, read bool) (analysis.WindowRun, error) {
	start := time.Now()
	agreements := analysis.PlanAgreements(plan)
	run, err := analysis.Ensure(ctx, st, analysis.Options{
		Env: analysis.Env{Thresholds: cfg.Thresholds, States: cfg.States, Calendar: cfg.Calendar,
			From: from, To: to, Now: a.now().UTC(), Logger: a.log, Agreements: agreements},
		ConfigHash: analysisHash(cfg, agreements), DataVersion: version, LeavePrepared: read,
	})
	if err != nil {
		return run, err
	}
	a.log.Debug("analysis", "window", run.ID, "reused", run.Cached, "findings", run.Findings, "metrics", run.Metrics,
		"took", time.Since(start).Round(time.Millisecond))
	return run, nil
}

// report writes the reports of the pipeline's window into out.
func (a *app) report(ctx context.Context, st *store.Store, cfg *config.Config, p pipeline, out string, failed []string) error {
	var notes []string
	for _, s := range failed {
		notes = append(notes, fmt.Sprintf("source %s failed in this run: its data is from its last successful sync", s))
	}
	return a.writeReports(ctx, st, cfg, reportRequest{window: p.window, out: out, formats: p.formats, names: p.names, audience: p.audience,
		plan: p.plan, coverage: notes})
}
