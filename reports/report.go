package reports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// SchemaVersion is report.json's schema_version. Fields are only ever
// added; a rename or removal bumps it.
const SchemaVersion = 1

// Formats are the formats Generate writes, in the order it writes them;
// handout is the workshop handout (handout.html), written only when asked.
var Formats = []string{"html", "md", "json", "handout"}

// DefaultFormats are the formats Generate writes when none are given.
var DefaultFormats = []string{"html", "md", "json"}

// Options say what to report on and where to write it.
type Options struct {
	Plan     *config.Plan // nil: no plan comparison
	From, To time.Time    // the window, To exclusive
	// Period labels the window ("2026-10", "2026-Q4"); a month label makes
	// Generate store the month's health snapshot.
	Period  string
	Formats []string // html, md, json; empty: all
	OutDir  string
	Names   bool // show people by name instead of pseudonyms
	// Audience is AudienceCoach ("" too) or AudienceRoom: the room view
	// describes people by role and leaves individual evidence out (it
	// overrides Names).
	Audience   string
	Salt       string // varies pseudonyms between organisations
	Thresholds config.Thresholds
	// Calendar says how long a working day is: time agreements (review
	// pickup, blocked time) count working time, as the findings do.
	Calendar config.Calendar
	Now      time.Time
	// Coverage are extra notes for the coverage section, e.g. "source
	// acme-jira failed: ..." from the run command.
	Coverage []string
	// Title heads the report (default "Systemic report").
	Title string
	// Analyze, when set, makes the store hold a current analysis of the
	// window [from, to) (analysis.Ensure with the config). Build calls it for
	// every month of the health trend and then for the report's own window,
	// so every figure is computed for the window it is shown for. Without
	// it, Build reads what is stored and names what is missing.
	Analyze func(ctx context.Context, from, to time.Time) error
}

// Result lists what Generate wrote and the headline numbers.
type Result struct {
	Files    []string       // paths written, in Formats order
	Goals    map[string]int // verdict -> goals
	Findings map[string]int // severity -> findings
	Report   *Report        // the model the files were rendered from
}

// Generate builds the report from the store and writes each format into
// opts.OutDir as report.<ext>.
func Generate(ctx context.Context, st *store.Store, opts Options) (Result, error) {
	formats := opts.Formats
	if len(formats) == 0 {
		formats = DefaultFormats
	}
	for _, f := range formats {
		if !slices.Contains(Formats, f) {
			return Result{}, fmt.Errorf("unknown report format %q (use %s)", f, strings.Join(Formats, ", "))
		}
	}
	r, err := Build(ctx, st, opts)
	if err != nil {
		return Result{}, err
	}
	if opts.OutDir != "" {
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return Result{}, fmt.Errorf("report directory: %w", err)
		}
	}
	res := Result{Goals: r.Headline.Goals, Findings: r.Headline.Findings, Report: r}
	for _, f := range Formats {
		if !slices.Contains(formats, f) {
			continue
		}
		path := filepath.Join(opts.OutDir, FileName(f))
		if err := writeFile(path, r, f); err != nil {
			return Result{}, err
		}
		res.Files = append(res.Files, path)
	}
	return res, nil
}

func writeFile(path string, r *Report, format string) error {
	var data []byte
	var err error
	switch format {
	case "html":
		data, err = HTML(r)
	case "md":
		data = Markdown(r)
	case "json":
		data, err = JSON(r)
	case "handout":
		data, err = Handout(r)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	if err := WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// FileName is the file Generate writes a format to: report.<format>, and
// handout.html for the handout.
func FileName(format string) string {
	if format == "handout" {
		return "handout.html"
	}
	return "report." + format
}

// Build reads the store and computes the report model without writing
// files. It does store the monthly health snapshot when opts.Period is set.
func Build(ctx context.Context, st *store.Store, opts Options) (*Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	if opts.To.IsZero() || !opts.From.Before(opts.To) {
		return nil, fmt.Errorf("report window %s..%s is empty (give --period or --from/--to)",
			opts.From.Format(time.DateOnly), opts.To.Format(time.DateOnly))
	}
	opts.Thresholds = analysis.WithDefaults(opts.Thresholds)
	if err := CheckAudience(opts.Audience); err != nil {
		return nil, err
	}
	if opts.Audience == AudienceRoom {
		opts.Names = false
	}
	if opts.Analyze != nil {
		for _, w := range AnalysedWindows(opts.From, opts.To) {
			if err := opts.Analyze(ctx, w.From, w.To); err != nil {
				return nil, err
			}
		}
	}
	m, err := newModel(ctx, st, opts)
	if err != nil {
		return nil, err
	}
	return m.build(ctx)
}

// AnalysedWindows are the windows Build has Options.Analyze analyse for a
// report over [from, to), in order: the months of its health trend
// (HealthWindows), oldest first so that each month's trend reads the
// stored run of the month before, then the report's own window, last so
// that the derived facts the report reads are left prepared for it.
func AnalysedWindows(from, to time.Time) []Window {
	return append(HealthWindows(from, to), Window{from, to})
}

// monthRE matches a monthly period label.
var monthRE = regexp.MustCompile(`^\d{4}-\d{2}$`)
