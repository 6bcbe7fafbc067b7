package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
)

type analyzeFlags struct {
	period   string
	from, to string
	patterns []string
	explain  string
	timings  bool
}

func newAnalyzeCmd(a *app) *cobra.Command {
	var f analyzeFlags
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Detect patterns in the stored history",
		Long: `analyze prepares the derived facts (status intervals, review waits, work in progress, ...)
and runs the pattern modules over the window, writing findings and metrics into the
database. Re-running the same window replaces its earlier results. --explain PATTERN
prints how a pattern is defined and its thresholds. --timings prints the time and rows
of each derived view and table, each module, the trend step and the write (--log-level
debug logs the same steps, without counting the views' rows).`,
		Example: `  systemic analyze                                   # the last 90 days up to today
  systemic analyze --period 2026-Q4
  systemic analyze --from 2026-10-01 --to 2026-10-31
  systemic analyze --pattern approval_bottleneck --pattern silo
  systemic analyze --explain wip_overload
  systemic analyze --timings`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.explain != "" {
				return explain(a.stdout, f.explain)
			}
			return a.runAnalyze(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.period, "period", "", periodUsage+" (default: the last 90 days up to today)")
	fl.StringVar(&f.from, "from", "", "first day of the window, YYYY-MM-DD (default: 89 days before --to)")
	fl.StringVar(&f.to, "to", "", "last day of the window, inclusive, YYYY-MM-DD (default: today)")
	fl.StringArrayVar(&f.patterns, "pattern", nil, "run only this pattern (repeatable; default: all)")
	fl.StringVar(&f.explain, "explain", "", "print the definition of PATTERN and exit")
	fl.BoolVar(&f.timings, "timings", false, "print the time and rows of every derived fact and module (counts each view's rows: slower)")
	return cmd
}

// explain prints a module's definition.
func explain(w io.Writer, name string) error {
	m, err := analysis.Lookup(name)
	if err != nil {
		return usageError("--explain: %v", err)
	}
	fmt.Fprintln(w, m.Explain())
	fmt.Fprintln(w)
	fmt.Fprintln(w, analysis.LadderText)
	if d, ok := analysis.MinEpisodeDays[name]; ok {
		fmt.Fprintf(w, "Minimum episode for %s: %d working days, over a lookback of %d days before the window.\n",
			name, d, int(analysis.Lookback.Hours()/24))
	}
	fmt.Fprintln(w, analysis.TrendText)
	return nil
}

// analyzeWindow resolves --period or --from/--to: by default the 90 days
// up to today; --from alone ends today, --to alone starts 89 days before.
func analyzeWindow(f analyzeFlags, now time.Time) (config.Window, error) {
	w, err := config.ResolveWindow(f.period, f.from, f.to, now)
	switch {
	case err != nil:
		return w, err
	case f.period != "":
		return w, nil
	case f.from == "" && f.to == "":
		return config.ParsePeriod("last-90d", now)
	}
	from, to := f.from, f.to
	if to == "" {
		to = now.UTC().Format(time.DateOnly)
	}
	if from == "" {
		from = w.To.AddDate(0, 0, -90).Format(time.DateOnly)
	}
	return config.ParseWindow(from, to)
}

func (a *app) runAnalyze(ctx context.Context, f analyzeFlags) error {
	w, err := analyzeWindow(f, a.now())
	if err != nil {
		return usageError("%v", err)
	}
	for _, p := range f.patterns {
		if _, err := analysis.Lookup(p); err != nil {
			return usageError("--pattern: %v", err)
		}
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	st, err := a.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	plan, err := loadPlan(cfg, "")
	if err != nil {
		return err
	}
	var timings *analysis.Timings
	if f.timings {
		timings = &analysis.Timings{CountViews: true}
	}
	start := time.Now()
	sum, err := a.analyze(ctx, st, cfg, plan, w, f.patterns, timings)
	if err != nil {
		return err
	}
	a.log.Info("analyzed", "window", w.Label, "findings", len(sum.Findings), "metrics", sum.Metrics,
		"took", time.Since(start).Round(time.Millisecond))
	printAnalysis(a.stdout, w, sum, f.patterns)
	if timings != nil {
		printTimings(a.stdout, timings)
	}
	return nil
}

// printTimings writes one row per step of the analysis, in the order they
// ran. A view's time is creating it; its rows are counted apart.
func printTimings(w io.Writer, t *analysis.Timings) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tKIND\tMS\tROWS")
	for _, s := range t.Steps {
		rows := "-"
		if s.Rows >= 0 {
			rows = fmt.Sprint(s.Rows)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\n", s.Step, s.Kind, ms(s.Took), rows)
	}
	fmt.Fprintf(tw, "total\t\t%.1f\t\n", ms(t.Total()))
	tw.Flush()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// printAnalysis writes one row per pattern: findings by severity and the
// scopes skipped for too little data.
func printAnalysis(w io.Writer, win config.Window, sum analysis.Summary, patterns []string) {
	counts := map[string]map[string]int{}
	for _, f := range sum.Findings {
		if counts[f.Pattern] == nil {
			counts[f.Pattern] = map[string]int{}
		}
		counts[f.Pattern][f.Severity]++
	}
	names := patterns
	if len(names) == 0 {
		for _, m := range analysis.Modules() {
			names = append(names, m.Name())
		}
	}
	fmt.Fprintf(w, "run %s (%s): %d findings, %d metrics\n\n", sum.RunID, win.Label, len(sum.Findings), sum.Metrics)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PATTERN\tCRITICAL\tWARN\tINFO\tNOT ENOUGH DATA")
	for _, n := range names {
		c := counts[n]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", n, c[analysis.Critical], c[analysis.Warn], c[analysis.Info], len(sum.NotEnoughData[n]))
	}
	tw.Flush()
}
