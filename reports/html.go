package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"
	"time"
)

//go:embed templates/report.html.tmpl templates/style.css
var templateFS embed.FS

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"verdictClass":   func(v string) string { return "v-" + strings.ReplaceAll(v, " ", "-") },
	"verdictText":    verdictText,
	"timeText":       findingTimeText,
	"timeline":       timelineText,
	"planned":        planned,
	"unplanned":      unplanned,
	"planRefs":       planRefs,
	"verdictRules":   verdictRules,
	"agreementRules": agreementRules,
	"counts":         func(m map[string]int) string { return countsText(m, Verdicts) },
	"severities":     func(m map[string]int) string { return countsText(m, Severities) },
	"progress":       progressText,
	"sentence": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"barWidth": func(p Progress) string {
		if p.Items == 0 {
			return "0"
		}
		return fmt.Sprintf("%.0f", 100*float64(p.Done)/float64(p.Items))
	},
	"history": func(h []int) string {
		s := make([]string, len(h))
		for i, n := range h {
			s[i] = fmt.Sprint(n)
		}
		return strings.Join(s, ", ") + " items a week"
	},
	"fan":         func(f *Forecast, due string) template.HTML { return template.HTML(FanChart(f, due)) },
	"spark":       func(v []*float64) template.HTML { return template.HTML(Sparkline(v)) },
	"wait":        waitText,
	"workDays":    func(h float64, r *Report) string { return workDays(h, r.Analysis.HoursPerWorkingDay) },
	"optWorkDays": func(h *float64, r *Report) string { return optWorkDays(h, r.Analysis.HoursPerWorkingDay) },
	"pct":         pct,
	"compliance":  complianceText,
	"join":        func(s []string) string { return strings.Join(s, ", ") },
	"others": func(cs []Count) string {
		var s []string
		for _, c := range cs {
			s = append(s, fmt.Sprintf("%s (%d)", c.Name, c.N))
		}
		return strings.Join(s, ", ")
	},
	"pattern": patternText,
	"subject": subjectText,
	"link":    safeLink,
	"shown":   evidenceShown,
	"more":    evidenceMore,
	"first":   func(s []string) string { return s[0] },
	"last":    func(s []string) string { return s[len(s)-1] },
	"latest": func(v []*float64) string {
		if len(v) == 0 {
			return "–"
		}
		return valueText(v[len(v)-1])
	},
}).ParseFS(templateFS, "templates/report.html.tmpl"))

// htmlData is what the template sees: the report and the pieces built in
// Go (charts are SVG built by svg.go, which escapes its text).
type htmlData struct {
	R                         *Report
	CSS                       template.CSS
	Headline, PeriodText      string
	Top, Content, Interaction []Finding
	Sprints, Reviews, Heatmap template.HTML
	Health                    healthGrid
	// Compact shows the goals as one table below the stand-outs, so the
	// first screen stays readable past a handful of goals.
	Compact bool
}

// compactGoals is how many goals the first screen shows as tiles; more
// become a compact table.
const compactGoals = 6

// healthGrid lays the health series out as teams by metrics, each cell a
// sparkline and the latest value.
type healthGrid struct {
	Metrics []HealthMetric
	Rows    []healthRow
}

type healthRow struct {
	Team  string
	Cells []healthCell
}

type healthCell struct {
	Spark  template.HTML
	Latest string
}

func newHealthGrid(h Health) healthGrid {
	var g healthGrid
	present := map[string]bool{}
	cells := map[[2]string]HealthSeries{}
	for _, s := range h.Series {
		present[s.Metric] = true
		cells[[2]string{s.Team, s.Metric}] = s
	}
	for _, hm := range HealthMetrics {
		if present[hm.Metric] {
			g.Metrics = append(g.Metrics, hm)
		}
	}
	for _, team := range teamsOf(h.Series, func(s HealthSeries) []string { return []string{s.Team} }) {
		row := healthRow{Team: team}
		for _, hm := range g.Metrics {
			s, ok := cells[[2]string{team, hm.Metric}]
			c := healthCell{Latest: "–"}
			if ok && len(s.Values) > 0 {
				c.Spark = template.HTML(Sparkline(s.Values))
				if v := s.Values[len(s.Values)-1]; v != nil && hm.Share {
					c.Latest = fmt.Sprintf("%.0f%%", *v)
				} else if v != nil {
					c.Latest = shortNumber(*v)
				}
			}
			row.Cells = append(row.Cells, c)
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// HTML renders one self-contained page: inline CSS and SVG, no scripts,
// nothing fetched from the network. Tracker text goes through html/template
// escaping; links are made only of http and https URLs.
func HTML(r *Report) ([]byte, error) {
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		return nil, err
	}
	d := htmlData{R: r, CSS: template.CSS(css), Headline: headlineText(r), PeriodText: periodText(r.Period),
		Top: topFindings(r.Findings, 3), Content: findingsOf(r.Findings, "content"),
		Interaction: findingsOf(r.Findings, "interaction"),
		Sprints:     template.HTML(SprintChart(r.Interaction.Sprints)),
		Reviews:     template.HTML(ReviewWaitChart(r.Interaction.ReviewWaits)),
		Heatmap:     template.HTML(HeatmapChart(r.Interaction.DependencyWaits, r.Analysis.HoursPerWorkingDay)),
		Health:      newHealthGrid(r.Health), Compact: len(r.Plan.Goals) > compactGoals}
	var b bytes.Buffer
	if err := page.Execute(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// periodText shows the window with its last day (To is exclusive).
func periodText(p PeriodInfo) string {
	last := p.To
	if t, err := time.Parse(time.DateOnly, p.To); err == nil {
		last = day(t.AddDate(0, 0, -1))
	}
	if p.Label != "" && !strings.Contains(p.Label, "..") {
		return fmt.Sprintf("%s (%s to %s)", p.Label, p.From, last)
	}
	return fmt.Sprintf("%s to %s", p.From, last)
}

// plural is "1 finding", "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// headlineText is the one sentence the first screen leads with.
func headlineText(r *Report) string {
	h := r.Headline
	var parts []string
	if n := len(r.Plan.Goals); n > 0 {
		parts = append(parts, goalsHeadline(h.Goals, n))
	}
	if n := h.Dependencies[OffTrack]; n > 0 {
		parts = append(parts, plural(n, "dependency", "dependencies")+" off track")
	}
	if n := h.Dependencies[Late]; n > 0 {
		parts = append(parts, plural(n, "dependency", "dependencies")+" delivered late")
	}
	if n := h.Agreements[OffTrack]; n > 0 {
		parts = append(parts, plural(n, "working agreement", "working agreements")+" broken")
	}
	if n := h.Findings["critical"]; n > 0 {
		parts = append(parts, plural(n, "critical finding", "critical findings"))
	} else if n := len(r.Findings); n > 0 {
		parts = append(parts, plural(n, "finding", "findings"))
	}
	if len(parts) == 0 {
		return "Nothing stands out this period"
	}
	return strings.Join(parts, " · ")
}

// goalsHeadline counts every goal once by its verdict, worst first:
// "15 goals: 2 off track, 1 done late (of 12 done), 10 done on time or on track".
func goalsHeadline(v map[string]int, n int) string {
	var parts []string
	for _, k := range []string{OffTrack, AtRisk, Unknown} {
		if v[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", v[k], k))
		}
	}
	if v[Late] > 0 {
		parts = append(parts, fmt.Sprintf("%d done late", v[Late]))
	}
	if good := v[Done] + v[OnTrack]; good > 0 {
		parts = append(parts, fmt.Sprintf("%d done on time or on track", good))
	}
	return fmt.Sprintf("%s: %s", plural(n, "goal", "goals"), strings.Join(parts, ", "))
}

// shortNumber shows a value with the precision a projector needs.
func shortNumber(v float64) string {
	if v >= 10 || v <= -10 || v == float64(int64(v)) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
