package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

// reportRequest is what one report needs beyond the config and the store.
type reportRequest struct {
	window   config.Window
	out      string
	formats  []string
	names    bool
	audience string   // coach or room ("" = the config's privacy.audience, else coach)
	plan     string   // plan.yaml ("" = the config's plan, if any)
	coverage []string // notes for the coverage section (failed sources)
}

func newReportCmd(a *app) *cobra.Command {
	var r reportRequest
	var period, from, to string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the HTML, Markdown and JSON diagnostic report",
		Long: `report reads the store (run 'systemic sync' first), analyses exactly the report's
period (and each of the six months of its health trend) unless the store already holds
an analysis of that window computed from the same data and config, and writes
report.html (one self-contained page for a projector or print), report.md (for a wiki)
and report.json (schema_version 1) into --out. Every finding and figure is computed for
the period printed on top. With --plan, each goal, dependency, decision right and
working agreement of plan.yaml is held against what was observed. People appear as
pseudonyms unless --names.`,
		Example: `  systemic report --period last-month --plan plan.yaml
  systemic report --from 2026-10-01 --to 2026-12-31 --format html --out q4/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := windowFlags(cmd, period, from, to, a.now())
			if err != nil {
				return err
			}
			r.window = w
			if r.out == "" {
				r.out = filepath.Join("reports", w.Label)
			}
			cfg, err := a.reportConfig()
			if err != nil {
				return err
			}
			st, err := a.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			return a.writeReports(cmd.Context(), st, cfg, r)
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.plan, "plan", "", "plan.yaml to compare against (default: the config's plan)")
	f.StringVar(&period, "period", "last-month", periodUsage)
	f.StringVar(&from, "from", "", "window start date (with --to; overrides --period)")
	f.StringVar(&to, "to", "", "window end date, inclusive")
	f.StringSliceVar(&r.formats, "format", reports.DefaultFormats, "report formats: html, md, json, handout (the workshop handout, handout.html)")
	f.StringVar(&r.out, "out", "", "folder for the reports (default reports/<period>)")
	f.BoolVar(&r.names, "names", false, "show people by name instead of pseudonyms")
	f.StringVar(&r.audience, "audience", "", audienceUsage)
	return cmd
}

// writeReports loads the plan, generates the reports and prints where they
// went with the headline numbers.
func (a *app) writeReports(ctx context.Context, st *store.Store, cfg *config.Config, r reportRequest) error {
	for i, f := range r.formats {
		if f == "markdown" { // the name query's --format uses
			f, r.formats[i] = "md", "md"
		}
		if !slices.Contains(reports.Formats, f) {
			return usageError("--format %q: use %s", f, strings.Join(reports.Formats, ", "))
		}
	}
	audience, err := reportAudience(cfg, r.audience)
	if err != nil {
		return err
	}
	plan, err := loadPlan(cfg, r.plan)
	if err != nil {
		return err
	}
	if err := writableDir(r.out); err != nil {
		return err
	}
	var windows windowTally
	var version string // read once: analysing a window writes no input
	res, err := reports.Generate(ctx, st, reports.Options{
		Plan: plan, From: r.window.From, To: r.window.To, Period: r.window.Label, Formats: r.formats,
		OutDir: r.out, Names: r.names || cfg.Privacy.Names, Audience: audience, Salt: cfg.Privacy.Salt, Thresholds: cfg.Thresholds, Calendar: cfg.Calendar,
		Now: a.now().UTC(), Coverage: r.coverage,
		Analyze: func(ctx context.Context, from, to time.Time) error {
			if version == "" {
				// with every window's inputs (and the month before the
				// first, the first month's trend), in one pass
				var ends []time.Time
				for _, w := range reports.AnalysedWindows(r.window.From, r.window.To) {
					ends = append(ends, w.From, w.To)
				}
				v, err := analysis.DataVersion(ctx, st, ends...)
				if err != nil {
					return err
				}
				version = v
			}
			// the report reads the derived facts of its own window
			own := from.Equal(r.window.From) && to.Equal(r.window.To)
			run, err := a.ensureAnalysis(ctx, st, cfg, plan, from, to, version, own)
			if err == nil {
				windows.add(run)
			}
			return err
		},
	})
	windows.log(a.log)
	if err != nil {
		return fmt.Errorf("report %s: %w", r.window.Label, err)
	}
	rep := res.Report
	fmt.Fprintf(a.stdout, "analyzed %s: %d findings, %d metrics (run %s)\n", r.window.Label, len(rep.Findings), len(rep.Metrics), rep.Analysis.RunID)
	fmt.Fprintf(a.stdout, "report %s: goals %s; findings %s\n", r.window.Label,
		countText(res.Goals, reports.Verdicts), countText(res.Findings, reports.Severities))
	if note, err := emptyWindow(ctx, st, r.window); err != nil {
		return err
	} else if note != "" {
		fmt.Fprintf(a.stderr, "systemic: %s\n", note)
	}
	if n := len(rep.Plan.Warnings); n > 0 {
		a.log.Warn("plan warnings (shown in the report's coverage section)", "count", n, "first", rep.Plan.Warnings[0])
	}
	for _, f := range res.Files {
		fmt.Fprintln(a.stdout, f)
	}
	return nil
}

const audienceUsage = `who the report is for: coach (every detail, people as pseudonyms) or room
(for a large audience: findings at team level, people by role, no individual evidence in
html, md or json); default: the config's privacy.audience, else coach`

// reportAudience is --audience, else the config's default, else coach.
func reportAudience(cfg *config.Config, flag string) (string, error) {
	if flag != "" {
		if err := reports.CheckAudience(flag); err != nil {
			return "", usageError("--audience: %v", err)
		}
		return flag, nil
	}
	if err := reports.CheckAudience(cfg.Privacy.Audience); err != nil {
		return "", fmt.Errorf("config privacy.audience: %w", err)
	}
	return cmp.Or(cfg.Privacy.Audience, reports.AudienceCoach), nil
}

// reportConfig is the config; with --db and no config file, a report
// needs none (default thresholds, no teams to check the plan against).
func (a *app) reportConfig() (*config.Config, error) {
	if a.dbPath != "" {
		if _, err := os.Stat(a.configPath); errors.Is(err, fs.ErrNotExist) {
			return &config.Config{}, nil
		}
	}
	return a.config()
}

// loadPlan reads --plan, else the config's plan; no plan at all is fine.
func loadPlan(cfg *config.Config, flagPath string) (*config.Plan, error) {
	path := flagPath
	if path == "" {
		path = cfg.Plan
	}
	if path == "" {
		return nil, nil
	}
	var teams []string
	for _, t := range cfg.Teams {
		teams = append(teams, t.Name)
	}
	if len(teams) == 0 {
		teams = nil
	}
	p, err := config.LoadPlan(path, teams)
	if errors.Is(err, fs.ErrNotExist) && flagPath != "" {
		return nil, usageError("--plan %s: no such file", path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usageError("no plan file at %s (the config's plan:): write it (the repository's testdata/plan.example.yaml "+
			"shows every field), pass --plan, or remove plan: from the config", path)
	}
	if err != nil {
		return nil, asUsage(err)
	}
	return p, nil
}

func countText(m map[string]int, order []string) string {
	var parts []string
	for _, k := range order {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// emptyWindow says plainly when the store recorded no activity in the
// window (a --period before the first sync's history, or after the last
// sync), so an empty report is not mistaken for a healthy one. It returns
// "" when the window has activity.
func emptyWindow(ctx context.Context, st *store.Store, w config.Window) (string, error) {
	var n int
	var first, last sql.NullTime
	err := st.DB().QueryRowContext(ctx, `WITH t AS (
	SELECT occurred_at AS ts FROM item_events
	UNION ALL SELECT created_at FROM items UNION ALL SELECT resolved_at FROM items)
SELECT count(*) FILTER (WHERE ts >= ? AND ts < ?), min(ts), max(ts) FROM t`, w.From, w.To).Scan(&n, &first, &last)
	if err != nil {
		return "", fmt.Errorf("report %s: count activity: %w", w.Label, err)
	}
	if n > 0 {
		return "", nil
	}
	if !first.Valid {
		return fmt.Sprintf("no data: the database holds no history yet, so the %s report is empty; run 'systemic sync' first", w.Label), nil
	}
	span := fmt.Sprintf("%s to %s", first.Time.UTC().Format(time.DateOnly), last.Time.UTC().Format(time.DateOnly))
	return fmt.Sprintf("no data for %s: the database holds activity from %s, so this report is empty; "+
		"pick a --period inside that span, or run 'systemic sync' to fetch newer work", w.Label, span), nil
}

// writableDir creates dir if needed and proves a file can be written in it,
// so an --out that cannot take the reports is a usage error (exit 2) said
// before any work, not a failure after it.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageError("--out %s: cannot create the folder: %v", dir, errors.Unwrap(err))
	}
	f, err := os.CreateTemp(dir, ".systemic-check-*")
	if err != nil {
		return usageError("--out %s: cannot write there: %v", dir, errors.Unwrap(err))
	}
	f.Close()
	return os.Remove(f.Name())
}
