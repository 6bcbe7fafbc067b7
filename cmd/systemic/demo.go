package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/synth"
	"github.com/systemic-dev/systemic/reports"
)

// demoSpec is the organisation the demo generates; tests shrink it.
var demoSpec = synth.DefaultSpec

func newDemoCmd(a *app) *cobra.Command {
	var out string
	var names bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline on a generated demo organisation",
		Long: `demo generates a synthetic organisation (6 teams, 40 people, 12 months of Jira
and GitHub history with known planted patterns), serves it from fake Jira and GitHub
servers on loopback inside this process, writes OUT/systemic.yaml pointing at them and
runs sync -> analyze -> report into OUT/reports. It needs no network and no tokens, and
gives the same result every time. OUT/data/ground_truth.json lists what was planted.`,
		Example: `  systemic demo
  systemic demo --out /tmp/systemic-demo --names`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.demo(cmd.Context(), out, names)
		},
	}
	cmd.Flags().StringVar(&out, "out", "systemic-demo", "folder for the demo's data, config, database and reports")
	cmd.Flags().BoolVar(&names, "names", false, "show people by name instead of pseudonyms")
	return cmd
}

func (a *app) demo(ctx context.Context, out string, names bool) error {
	spec := demoSpec()
	end := spec.End
	a.now = func() time.Time { return end }
	res, cleanup, err := a.demoServe(out, spec)
	if err != nil {
		return err
	}
	defer cleanup()
	w, err := config.ParseWindow(spec.Start().Format(time.DateOnly), end.AddDate(0, 0, -1).Format(time.DateOnly))
	if err != nil {
		return err
	}
	p := pipeline{window: w, out: filepath.Join(out, "reports"), formats: []string{"html", "md", "json"}, names: names,
		sync: syncFlags{full: true, maxWait: time.Minute}}
	if err := a.runPipeline(ctx, p); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return a.demoSummary(ctx, res, p, names)
}

// demoServe generates the organisation into OUT/data, starts the fake
// servers and writes OUT/systemic.yaml. The database of an earlier demo is
// removed so every run starts from the same empty state.
func (a *app) demoServe(out string, spec synth.Spec) (*synth.Result, func(), error) {
	data := filepath.Join(out, "data")
	if _, err := os.Stat(data); err == nil {
		if _, err := os.Stat(filepath.Join(data, "ground_truth.json")); err != nil {
			return nil, nil, usageError("demo: %s exists and is not an earlier demo's data; pass another --out", data)
		}
	}
	for _, stale := range []string{data, filepath.Join(out, "systemic.duckdb"), filepath.Join(out, "systemic.duckdb.wal")} {
		if err := os.RemoveAll(stale); err != nil {
			return nil, nil, fmt.Errorf("demo: %w", err)
		}
	}
	org, err := demoorg.Start(out, spec, demoorg.Options{GitHub: githubtest.Options{Limit: 1 << 30}})
	if err != nil {
		return nil, nil, fmt.Errorf("demo: %w", err)
	}
	res := org.Result
	fmt.Fprintf(a.stdout, "generated %d teams, %d people, %d items, %d events into %s\n",
		len(res.Teams), len(res.People), res.Items, res.Events, data)
	cleanup, cfgPath := org.Close, org.Config
	a.configPath, a.dbPath, a.cfg = cfgPath, "", nil
	return res, cleanup, nil
}

type demoFinding struct {
	pattern, severity, team, kind, subject, summary string
	score                                           float64
}

// demoSummary prints the top findings and how they compare with what was
// planted.
func (a *app) demoSummary(ctx context.Context, res *synth.Result, p pipeline, names bool) error {
	st, err := a.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	db := st.DB()
	// The findings as the report shows them (severity raised where a plan
	// agreement is broken, people as the report names them): the demo
	// prints what the room will read, not the raw analysis rows.
	fs, err := reportFindings(filepath.Join(p.out, p.window.Label, "report.json"))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	pn, err := privacy.FromDB(ctx, db, a.cfg.Privacy.Salt)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	show := func(kind, s string) string {
		if kind == "person" && !names {
			return pn.Name(s)
		}
		return s
	}
	fmt.Fprintf(a.stdout, "\ntop findings (%d in all):\n", len(fs))
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tPATTERN\tTEAM\tSUBJECT\tSUMMARY")
	for i, f := range fs {
		if i == 10 {
			break
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.severity, f.pattern, f.team, f.subject, f.summary)
	}
	tw.Flush()
	a.demoTruth(res, fs, show)
	fmt.Fprintf(a.stdout, "\nreports: %s (its health trend analyses each of the last six months)\n", filepath.Join(p.out, p.window.Label))
	fmt.Fprintf(a.stdout, "config: %s, database: %s, planted patterns: %s\n", a.configPath,
		a.cfg.Storage.Path, filepath.Join(res.Dir, "ground_truth.json"))
	return nil
}

// demoTruth says which planted patterns the analysis found and whether the
// control team stayed clean.
func (a *app) demoTruth(res *synth.Result, fs []demoFinding, show func(kind, s string) string) {
	found := 0
	for _, pt := range res.Truth.Patterns {
		mark := "missed"
		if _, err := analysis.Lookup(pt.Family); err != nil {
			mark = "not looked for: no " + pt.Family + " module in this build"
		}
		for _, f := range fs {
			if f.pattern == pt.Family && f.subject == show(pt.SubjectKind, pt.Subject) && f.severity != "info" {
				mark = "found (" + f.severity + ")"
				found++
				break
			}
		}
		when := "whole history"
		if pt.Placement != "whole" {
			when = pt.Start.Format(time.DateOnly) + " to " + pt.End.Format(time.DateOnly)
		}
		fmt.Fprintf(a.stdout, "  planted %-20s %-22s %-26s %s\n", pt.Family, show(pt.SubjectKind, pt.Subject), when, mark)
	}
	clean := "no warnings"
	for _, f := range fs {
		if f.team == res.Truth.ControlTeam && f.severity != "info" {
			clean = "warned: " + f.pattern
			break
		}
	}
	fmt.Fprintf(a.stdout, "found %d of %d planted patterns; control team %s: %s\n", found, len(res.Truth.Patterns), res.Truth.ControlTeam, clean)
}

// reportFindings reads the ranked findings of a report.json.
func reportFindings(path string) ([]demoFinding, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r reports.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var fs []demoFinding
	for _, f := range r.Findings {
		fs = append(fs, demoFinding{pattern: f.Pattern, severity: f.Severity, team: f.Team, kind: f.SubjectKind,
			subject: f.Subject, summary: f.Summary, score: f.Score})
	}
	return fs, nil
}
