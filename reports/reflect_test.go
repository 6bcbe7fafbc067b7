package reports_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/golden"
	"github.com/systemic-dev/systemic/reports"
)

var severities = []string{analysis.Info, analysis.Warn, analysis.Critical}

// reflectionText renders a reflection as the golden files hold it.
func reflectionText(r *reports.Reflection) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nQuestions:\n", r.Reading)
	for _, q := range r.Questions {
		fmt.Fprintf(&b, "- %s\n", q)
	}
	b.WriteString("\nExperiments:\n")
	for _, e := range r.Experiments {
		fmt.Fprintf(&b, "- %s (%s, target %s)\n  %s\n  %s\n", e.Title, e.Metric, e.Target, e.Measure, e.Agreement)
	}
	return b.String()
}

// TestReflectionGolden holds the reflection text of every family and
// severity, and the default's, in testdata/reflections: a change to
// reflections.yaml shows here as a diff to review (go test -update).
func TestReflectionGolden(t *testing.T) {
	families, _, err := reports.ReflectionFamilies()
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(families)
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, fam := range append(families, "some_new_pattern") {
		for _, sev := range severities {
			t.Run(fam+"/"+sev, func(t *testing.T) {
				f := reports.Finding{Pattern: fam, Severity: sev, Team: "payments", Subject: "acme/billing"}
				r, err := reports.Reflect(f, config.Thresholds{}, since)
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, "reflections/"+fam+"."+sev+".txt", []byte(reflectionText(r)))
			})
		}
	}
}

// TestReflectionsCoverEveryModule: every analysis module has reviewed text
// or is listed as raising no findings, so no family falls back to the
// default unnoticed.
func TestReflectionsCoverEveryModule(t *testing.T) {
	families, none, err := reports.ReflectionFamilies()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range analysis.Modules() {
		if !slices.Contains(families, m.Name()) && !slices.Contains(none, m.Name()) {
			t.Errorf("module %s has no reflection text in reports/reflections.yaml", m.Name())
		}
	}
}

// blaming words have no place in text written for a room: the reflections
// speak of structure and flow.
var blaming = regexp.MustCompile(`(?i)\b(lazy|fault|blame\w*|slacker|underperform\w*|incompetent|careless|should have|failure of|poor performer|low performer)\b`)

// TestReflectionsSpeakOfStructure checks every reflection for the shape a
// workshop needs: a reading, two or three questions, one or two
// experiments each a valid, measurable plan agreement, and no blaming
// words, for every family and severity.
func TestReflectionsSpeakOfStructure(t *testing.T) {
	families, _, err := reports.ReflectionFamilies()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range append(families, "some_new_pattern") {
		for _, sev := range severities {
			r, err := reports.Reflect(reports.Finding{Pattern: fam, Severity: sev, Team: "data"}, config.Thresholds{}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			checkReflection(t, fam+"/"+sev, r)
		}
	}
}

func checkReflection(t *testing.T, where string, r *reports.Reflection) {
	t.Helper()
	if r == nil {
		t.Errorf("%s: no reflection", where)
		return
	}
	if r.Reading == "" || len(r.Questions) < 2 || len(r.Questions) > 3 || len(r.Experiments) < 1 || len(r.Experiments) > 2 {
		t.Errorf("%s: reading %q, %d questions, %d experiments (want a reading, 2-3 questions, 1-2 experiments)",
			where, r.Reading, len(r.Questions), len(r.Experiments))
	}
	all := r.Reading + " " + strings.Join(r.Questions, " ")
	for _, e := range r.Experiments {
		all += " " + e.Title + " " + e.Measure
		p, err := config.ParsePlan("plan.yaml", []byte("agreements:\n  - "+e.Agreement+"\n"), nil)
		if err != nil {
			t.Errorf("%s: experiment %q is not a valid plan agreement: %v", where, e.Agreement, err)
			continue
		}
		if len(p.Warnings) > 0 || len(p.Agreements) != 1 || p.Agreements[0].Since.IsZero() {
			t.Errorf("%s: experiment %q: warnings %v; want a measurable agreement with a start date", where, e.Agreement, p.Warnings)
		}
	}
	if m := blaming.FindString(all); m != "" {
		t.Errorf("%s: %q in the reflection; write about structure and flow", where, m)
	}
	if strings.Contains(all, "{") {
		t.Errorf("%s: unfilled placeholder in %q", where, all)
	}
}

// TestEveryFixtureFindingReflects: every finding of the fixture report
// carries a reflection a workshop can use.
func TestEveryFixtureFindingReflects(t *testing.T) {
	st := newFixture(t)
	r, err := reports.Build(context.Background(), st, fixtureOptions(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) == 0 {
		t.Fatal("the fixture has no findings")
	}
	for _, f := range r.Findings {
		checkReflection(t, f.Pattern+" "+f.Subject, f.Reflection)
	}
}
