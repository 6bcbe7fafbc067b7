package reports

import (
	"strings"

	"github.com/systemic-dev/systemic/analysis"
)

// GlossaryEntry explains one metric as the registry defines it.
type GlossaryEntry struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Unit        string `json:"unit"`     // the stored unit
	ShownIn     string `json:"shown_in"` // the unit the report shows
	Better      string `json:"better"`   // "higher" or "lower"
	Aggregation string `json:"aggregation"`
	Definition  string `json:"definition"`
}

// glossary lists the metrics this report shows (health, metrics, agreement
// measures), each from the registry, so labels and units are the same as
// in analysis and named questions.
func (m *model) glossary() {
	used := map[string]bool{}
	for _, x := range m.report.Metrics {
		used[x.Metric] = true
	}
	for _, s := range m.report.Health.Series {
		used[s.Metric] = true
	}
	for _, a := range m.report.Plan.Agreements {
		if name, ok := agreementMetric[a.Metric]; ok {
			used[name] = true
		}
	}
	m.report.Glossary = []GlossaryEntry{}
	for _, d := range analysis.MetricDefs() {
		if !used[d.Name] {
			continue
		}
		e := GlossaryEntry{Name: d.Name, Label: d.Label, Unit: string(d.Unit), ShownIn: d.ShowUnit(),
			Better: "lower", Aggregation: d.Aggregation, Definition: d.Definition}
		if d.HigherIsBetter {
			e.Better = "higher"
		}
		switch d.Unit {
		case analysis.Share:
			e.ShownIn = "percent"
		case analysis.Items, analysis.Count, analysis.Ratio:
			e.ShownIn = string(d.Unit)
		}
		m.report.Glossary = append(m.report.Glossary, e)
	}
}

// agreementMetric is the registry metric each agreement's value is: the
// agreement compares its observations with the target, the metric is how
// the same observations are summarised.
var agreementMetric = map[string]string{
	"review_pickup":     "review_pickup_p85_hours",
	"blocked_time":      "blocked_p50_hours",
	"wip_per_person":    "wip_max",
	"unreviewed_merges": "unreviewed_merges",
	"carry_over":        "carry_over_items",
}

// verdictRules states how goals and dependencies are judged.
func verdictRules() string {
	return "Verdicts: done on time or done late (by how many days) once every item is done; " +
		"on track when 85% of the forecast's simulated futures finish by the due date; " +
		"at risk when only 50% do; off track when fewer do, or when the due date has passed with work open; " +
		"unknown when there is no scope or no pace to forecast from."
}

// agreementRules states how working agreements are judged.
func agreementRules() string {
	return "Working agreements: on track when at least 90% of cases keep the target, at risk from 70%, off track below; " +
		"an agreement is never on track while a finding about it is warn (then at risk) or critical (then off track), " +
		"and a finding about a broken agreement is at least warn."
}

func planned(fs []Finding) []Finding   { return filterFindings(fs, true) }
func unplanned(fs []Finding) []Finding { return filterFindings(fs, false) }

func filterFindings(fs []Finding, withPlan bool) []Finding {
	var out []Finding
	for _, f := range fs {
		if (len(f.Plan) > 0) == withPlan {
			out = append(out, f)
		}
	}
	return out
}

// planRefs is "agreement wip, dependency events-api".
func planRefs(rs []PlanRef) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.Kind+" "+r.ID)
	}
	return strings.Join(s, ", ")
}
