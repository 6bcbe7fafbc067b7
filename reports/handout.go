package reports

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
)

//go:embed templates/handout.html.tmpl
var handoutFS embed.FS

var handoutPage = template.Must(template.New("handout.html.tmpl").Funcs(template.FuncMap{
	"verdictClass": func(v string) string { return "v-" + v },
	"verdictText":  verdictText,
	"severities":   func(m map[string]int) string { return countsText(m, Severities) },
	"pattern":      patternText,
	"subject":      subjectText,
}).ParseFS(handoutFS, "templates/handout.html.tmpl"))

// handoutFindings and handoutItems bound the handout to two printed pages
// whatever the organisation's size; the full report has the rest.
const (
	handoutFindings = 3
	handoutItems    = 6
)

// handoutItem is one plan entry off track, as the handout lists it.
type handoutItem struct {
	Kind, Title, Verdict, Reason string
}

type handoutData struct {
	R                    *Report
	Headline, PeriodText string
	Top                  []Finding
	OffTrack             []handoutItem
	MoreOffTrack         int
}

// Handout renders the workshop handout: one self-contained HTML page that
// prints on one or two A4 or Letter pages with the headline, the findings
// that matter most with their questions and experiments, the plan items
// off track and room for the team's notes.
func Handout(r *Report) ([]byte, error) {
	d := handoutData{R: r, Headline: headlineText(r), PeriodText: periodText(r.Period), Top: topFindings(r.Findings, handoutFindings)}
	items := offTrack(r.Plan)
	if len(items) > handoutItems {
		d.MoreOffTrack = len(items) - handoutItems
		items = items[:handoutItems]
	}
	d.OffTrack = items
	var b bytes.Buffer
	if err := handoutPage.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("handout: %w", err)
	}
	return b.Bytes(), nil
}

// offTrack lists the plan entries off track or late, goals first.
func offTrack(p PlanResult) []handoutItem {
	var out []handoutItem
	add := func(kind, title, verdict, reason string) {
		if verdict == OffTrack || verdict == Late {
			out = append(out, handoutItem{Kind: kind, Title: title, Verdict: verdict, Reason: reason})
		}
	}
	for _, g := range p.Goals {
		add("Goal", g.Title, g.Verdict, g.Reason)
	}
	for _, d := range p.Dependencies {
		add("Dependency", d.Title, d.Verdict, d.Reason)
	}
	for _, d := range p.Decisions {
		add("Decision right", d.Title, d.Verdict, d.Reason)
	}
	for _, a := range p.Agreements {
		reason := a.Reason
		if a.Tracking != nil {
			reason += "; " + a.Tracking.Text
		}
		add("Agreement", a.Title, a.Verdict, reason)
	}
	return out
}
