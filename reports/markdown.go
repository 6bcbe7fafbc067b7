package reports

import (
	"bytes"
	"fmt"
	"strings"
)

// Markdown renders the report for a wiki page: the same sections as the
// HTML, tables instead of charts. Tracker text is escaped so it renders as
// text (wikis render inline HTML), and only http(s) URLs become links.
func Markdown(r *Report) []byte {
	w := &mdWriter{}
	w.header(r)
	w.coverageAlert(r.Coverage)
	w.glance(r)
	w.content(r)
	w.interaction(r)
	w.visibility(r)
	return w.b.Bytes()
}

type mdWriter struct{ b bytes.Buffer }

func (w *mdWriter) f(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// md escapes text for Markdown: no markup, no HTML, no table breaks.
func md(s string) string {
	var b strings.Builder
	for _, c := range strings.Join(strings.Fields(s), " ") {
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '|':
			b.WriteString(`\|`)
		case '\\', '`', '*', '_', '[', ']', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func mdLink(text, u string) string {
	if l := safeLink(u); l != "" {
		return fmt.Sprintf("[%s](<%s>)", md(text), strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", `"`, "%22").Replace(l))
	}
	return md(text)
}

func (w *mdWriter) table(head []string, rows [][]string) {
	w.f("| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat(" --- |", len(head)))
	for _, r := range rows {
		w.f("| %s |\n", strings.Join(r, " | "))
	}
	w.f("\n")
}

func (w *mdWriter) header(r *Report) {
	title := r.Title
	if r.Period.Label != "" {
		title += " — " + r.Period.Label
	}
	w.f("# %s\n\nPeriod %s · generated %s\n\n", md(title), md(periodText(r.Period)), r.GeneratedAt)
}

// coverageAlert states at the top what the data is missing.
func (w *mdWriter) coverageAlert(c Coverage) {
	if len(c.Warnings) == 0 {
		return
	}
	w.f("> **Incomplete data: the numbers below rest only on what was synced.**\n>\n")
	for _, s := range c.Warnings {
		w.f("> - %s\n", md(s))
	}
	w.f("\n")
}

func (w *mdWriter) glance(r *Report) {
	h := r.Headline
	order := append(append([]string{}, Verdicts...), "")
	w.f("## At a glance\n\n")
	if len(r.Plan.Goals)+len(r.Plan.Dependencies)+len(r.Plan.Decisions)+len(r.Plan.Agreements) > 0 {
		w.f("- **Goals:** %s\n- **Dependencies:** %s\n- **Decision rights:** %s\n- **Working agreements:** %s\n",
			countsText(h.Goals, order), countsText(h.Dependencies, order), countsText(h.Decisions, order), countsText(h.Agreements, order))
	} else {
		w.f("- No plan given (`--plan plan.yaml` compares goals, dependencies, decisions and agreements).\n")
	}
	w.f("- **Findings:** %s\n\n", countsText(h.Findings, Severities))
	if top := topFindings(r.Findings, 5); len(top) > 0 {
		w.f("Top findings:\n\n")
		for _, f := range top {
			w.f("%d. **%s** %s — %s: %s\n", f.Rank, f.Severity, md(patternText(f.Pattern)), md(subjectText(f)), md(f.Summary))
		}
		w.f("\n")
	}
}

func (w *mdWriter) content(r *Report) {
	w.f("## Content: plan vs actual\n\n")
	p := r.Plan
	if len(p.Goals) > 0 {
		w.f("### Goals\n\n")
		var rows [][]string
		for _, g := range p.Goals {
			rows = append(rows, []string{md(g.Title) + " (" + md(g.ID) + ")", md(g.Team), g.Due, progressText(g.Progress),
				forecastText(g.Forecast), "**" + verdictText(g.Verdict) + "**", md(g.Reason)})
		}
		w.table([]string{"Goal", "Team", "Due", "Progress", "Forecast", "Verdict", "Why"}, rows)
	}
	if len(p.Dependencies) > 0 {
		w.f("### Dependencies\n\n")
		var rows [][]string
		for _, d := range p.Dependencies {
			rows = append(rows, []string{md(d.Title) + " (" + md(d.ID) + ")", md(d.From) + " → " + md(d.To), d.Due,
				progressText(d.Progress), md(waitText(d.Wait, r.Analysis.HoursPerWorkingDay)), "**" + verdictText(d.Verdict) + "**", md(d.Reason + aboutText(d.Findings))})
		}
		w.table([]string{"Dependency", "From → to", "Due", "Progress", "Downstream wait", "Verdict", "Why"}, rows)
	}
	if s := r.Interaction.Sprints; len(s) > 0 {
		w.f("### Sprint commitment vs completion\n\n")
		var rows [][]string
		for _, x := range s {
			rows = append(rows, []string{md(x.Team), md(x.Sprint), x.End, fmt.Sprint(x.Committed), fmt.Sprint(x.Completed), fmt.Sprint(x.Added)})
		}
		w.table([]string{"Team", "Sprint", "Ended", "Committed", "Completed", "Added after start"}, rows)
	}
	if s := r.Interaction.SprintsUnderWay; len(s) > 0 {
		w.f("### Sprints in progress\n\n")
		var rows [][]string
		for _, x := range s {
			rows = append(rows, []string{md(x.Team), md(x.Sprint), x.Start, x.End, fmt.Sprint(x.Committed), fmt.Sprint(x.Added), x.SoFar(), x.Left()})
		}
		w.table([]string{"Team", "Sprint", "Started", "Planned end", "Committed", "Added after start", "So far", "Days left"}, rows)
		w.f("Not ended by the period's end, so not counted in commitment completion or carry-over yet.\n\n")
	}
	w.f("%s\n\n", md(verdictRules()))
	w.findings("Findings on what the plan states: content", planned(findingsOf(r.Findings, "content")))
	w.findings("Findings nobody planned for: content", unplanned(findingsOf(r.Findings, "content")))
}

func (w *mdWriter) findings(title string, fs []Finding) {
	if len(fs) == 0 {
		return
	}
	w.f("### %s\n\n", title)
	for _, f := range fs {
		about := ""
		if len(f.Plan) > 0 {
			about = " (about the plan's " + md(planRefs(f.Plan)) + ")"
		}
		w.f("%d. **%s** %s — %s%s: %s\n", f.Rank, f.Severity, md(patternText(f.Pattern)), md(subjectText(f)), about, md(f.Summary))
		if t := findingTimeText(f); t != "" {
			w.f("   _%s_\n", md(t))
		}
		if t := timelineText(f); t != "" {
			w.f("   Timeline %s\n", md(t))
		}
		var ev []string
		for _, it := range evidenceShown(f.Evidence.Items) {
			ev = append(ev, mdLink(it.Key, it.URL))
		}
		if n := evidenceMore(f.Evidence.Items); n > 0 {
			ev = append(ev, fmt.Sprintf("and %d more", n))
		}
		if len(ev) > 0 {
			w.f("   Evidence: %s\n", strings.Join(ev, ", "))
		}
		w.reflection(f.Reflection)
	}
	w.f("\n")
}

func (w *mdWriter) interaction(r *Report) {
	w.f("## Interaction: reviews, decisions, handoffs, silos\n\n")
	if rw := r.Interaction.ReviewWaits; len(rw) > 0 {
		w.f("### Review pickup waits per reviewing team\n\n")
		var rows [][]string
		for _, x := range rw {
			row := []string{md(x.Team), fmt.Sprint(x.N)}
			for _, b := range x.Buckets {
				row = append(row, fmt.Sprint(b))
			}
			rows = append(rows, append(row, optWorkDays(x.P50Hours, r.Analysis.HoursPerWorkingDay), optWorkDays(x.P85Hours, r.Analysis.HoursPerWorkingDay)))
		}
		w.table(append(append([]string{"Team", "Requests"}, WaitBuckets...), "P50", "P85"), rows)
	}
	if bs := r.Interaction.BySize; len(bs) > 0 {
		w.f("### Review by pull request size\n\n")
		var rows [][]string
		for _, b := range bs {
			rows = append(rows, []string{md(b.Band), fmt.Sprint(b.N), optWorkDays(b.PickupP50Hours, r.Analysis.HoursPerWorkingDay),
				optWorkDays(b.ReviewP50Hours, r.Analysis.HoursPerWorkingDay)})
		}
		w.table([]string{"Size (lines changed)", "Pull requests", "Pickup P50", "Review to approval P50"}, rows)
	}
	if p := r.Plan.Decisions; len(p) > 0 {
		w.f("### Decision rights\n\n")
		var rows [][]string
		for _, d := range p {
			rows = append(rows, []string{md(d.Title) + " (" + md(d.ID) + ")", md(strings.Join(d.Owners, ", ")), d.Days(d.SLAHours),
				fmt.Sprint(d.Decided), pct(d.OwnerShare), d.Days(d.P50Hours) + " / " + d.Days(d.P85Hours), fmt.Sprint(d.Open),
				"**" + verdictText(d.Verdict) + "**", md(d.Reason + aboutText(d.Findings))})
		}
		w.table([]string{"Decision", "Owners", "SLA (working days)", "Decided", "By owners", "P50 / P85 (working days)", "Open", "Verdict", "Why"}, rows)
	}
	if p := r.Plan.Agreements; len(p) > 0 {
		w.f("### Working agreements\n\n")
		var rows [][]string
		for _, a := range p {
			rows = append(rows, []string{md(a.Title) + " (" + md(a.ID) + ")", md(a.Metric) + " ≤ " + md(a.Target),
				complianceText(a.This, a.Metric), complianceText(a.Last, a.Metric), a.Trend, "**" + verdictText(a.Verdict) + "**", md(a.Reason + trackingText(a.Tracking) + aboutText(a.Findings))})
		}
		w.table([]string{"Agreement", "Target", "This period", "Last period", "Trend", "Verdict", "Why"}, rows)
		w.f("%s\n\n", md(agreementRules()))
	}
	if dw := r.Interaction.DependencyWaits; len(dw) > 0 {
		w.f("### Who is blocked by whom\n\nItems of the waiting team blocked by items of another team; review waits are in the review table.\n\n")
		var rows [][]string
		for _, x := range dw {
			rows = append(rows, []string{md(x.Waiting), md(x.Blocking), fmt.Sprint(x.Items), workDays(x.Hours, r.Analysis.HoursPerWorkingDay), workDays(x.P50Hours, r.Analysis.HoursPerWorkingDay)})
		}
		w.table([]string{"Waiting team", "Waiting on", "Items", "Total wait", "Median wait"}, rows)
	}
	w.findings("Findings on what the plan states: interaction", planned(findingsOf(r.Findings, "interaction")))
	w.findings("Findings nobody planned for: interaction", unplanned(findingsOf(r.Findings, "interaction")))
}

func (w *mdWriter) visibility(r *Report) {
	w.f("## Visibility: health and data coverage\n\n")
	if h := r.Health; len(h.Series) > 0 {
		w.f("### Health, last %s\n\n", plural(len(h.Periods), "period", "periods"))
		var rows [][]string
		for _, s := range h.Series {
			row := []string{md(s.Team), md(s.Label)}
			for _, v := range s.Values {
				row = append(row, valueText(v))
			}
			rows = append(rows, row)
		}
		w.table(append([]string{"Team", "Metric"}, h.Periods...), rows)
	}
	c := r.Coverage
	w.f("### Data coverage\n\n")
	if len(c.Sources) > 0 {
		var rows [][]string
		for _, s := range c.Sources {
			last := s.LastSyncAt
			if last == "" {
				last = "none"
			}
			rows = append(rows, []string{md(s.Name), md(s.Kind), last, md(s.Attempt()), fmt.Sprint(s.Items), md(s.Error)})
		}
		w.table([]string{"Source", "Kind", "Last successful sync", "Last attempt", "Items", "Error"}, rows)
	}
	var counts []string
	for _, n := range c.Counts {
		counts = append(counts, fmt.Sprintf("%d %s", n.N, n.Name))
	}
	w.f("Records: %s.\n\n", strings.Join(counts, ", "))
	if r.Analysis.RunID != "" {
		w.f("Findings and metrics computed over exactly this period (%s).\n\n", md(r.Analysis.RunID))
	}
	w.list("Notes", c.Notes)
	w.list("Not measured", c.NotMeasured)
	w.list("Plan warnings", r.Plan.Warnings)
	if len(r.Glossary) > 0 {
		w.f("### Glossary: the metrics behind the figures\n\n")
		var rows [][]string
		for _, g := range r.Glossary {
			rows = append(rows, []string{md(g.Label) + " (`" + g.Name + "`)", md(g.ShownIn), g.Better, md(g.Aggregation), md(g.Definition)})
		}
		w.table([]string{"Metric", "Shown in", "Better when", "Aggregation", "Definition"}, rows)
		w.f("Working time follows the configured calendar (%g working hours a day; weekends and holidays do not count); calendar days count every day.\n\n",
			r.Analysis.HoursPerWorkingDay)
	}
	w.list("Severity and trend of findings", r.SeverityRules)
}

// aboutText lists the findings about a plan entry after its reason.
func aboutText(fs []string) string {
	if len(fs) == 0 {
		return ""
	}
	return "; findings about it: " + strings.Join(fs, ", ")
}

func (w *mdWriter) list(title string, items []string) {
	if len(items) == 0 {
		return
	}
	w.f("**%s:**\n\n", title)
	for _, s := range items {
		w.f("- %s\n", md(s))
	}
	w.f("\n")
}
