package reports

import (
	"fmt"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
)

// PlanRef names the plan entry a finding is about.
type PlanRef struct {
	Kind string `json:"kind"` // agreement, dependency, decision
	ID   string `json:"id"`
}

// agreementPattern is the pattern family that measures each agreement
// metric per person, team or item: the same behaviour seen in detail.
var agreementPattern = map[string]string{
	"review_pickup":     "approval_bottleneck",
	"wip_per_person":    "wip_overload",
	"blocked_time":      "dependency_delay",
	"unreviewed_merges": "ownership_gap",
	"carry_over":        "stalled_commitment",
}

// agreementEvidence is the evidence value a finding must show above zero
// to be about the agreement, for families that measure several things.
var agreementEvidence = map[string]string{
	"unreviewed_merges": "unreviewed_merges",
	"carry_over":        "carried_over_items",
}

// link puts findings and plan entries that describe the same behaviour
// side by side, and makes their verdicts agree: a finding about a broken
// agreement is at least warn, and an agreement cannot be on track while a
// finding about it is warn (then at risk) or critical (off track).
func (m *model) link() {
	fs := m.report.Findings
	for i := range fs {
		f := &fs[i]
		for j := range m.report.Plan.Agreements {
			a := &m.report.Plan.Agreements[j]
			if !aboutAgreement(*f, a.Metric) {
				continue
			}
			f.Plan = append(f.Plan, PlanRef{"agreement", a.ID})
			if a.Verdict == OffTrack && f.Severity == analysis.Info {
				f.Severity = analysis.Warn
				f.Summary += fmt.Sprintf(" This breaks the working agreement %q.", a.Title)
			}
			a.Findings = append(a.Findings, findingRef(*f))
			raise(&a.Verdict, &a.Reason, *f)
		}
		for j := range m.report.Plan.Dependencies {
			d := &m.report.Plan.Dependencies[j]
			if f.Pattern == "dependency_delay" && f.Subject == d.To+"/"+d.From {
				f.Plan = append(f.Plan, PlanRef{"dependency", d.ID})
				d.Findings = append(d.Findings, findingRef(*f))
			}
		}
		for j := range m.report.Plan.Decisions {
			d := &m.report.Plan.Decisions[j]
			if f.Pattern == "decision_latency" && m.aboutDecision(*f, d.ID) {
				f.Plan = append(f.Plan, PlanRef{"decision", d.ID})
				d.Findings = append(d.Findings, findingRef(*f))
			}
		}
	}
	sortFindings(fs)
}

func aboutAgreement(f Finding, metric string) bool {
	if agreementPattern[metric] != f.Pattern {
		return false
	}
	key, ok := agreementEvidence[metric]
	return !ok || f.Evidence.Values[key] > 0
}

// aboutDecision: a decision finding is about a decision right when one of
// its items is in a project the right covers (every decision finding when
// the right names no project).
func (m *model) aboutDecision(f Finding, id string) bool {
	if m.opts.Plan == nil {
		return false
	}
	for _, d := range m.opts.Plan.Decisions {
		if d.ID != id {
			continue
		}
		if len(d.Match.Projects) == 0 {
			return true
		}
		for _, it := range f.Evidence.Items {
			for _, p := range d.Match.Projects {
				if strings.HasPrefix(it.Key, p+"-") {
					return true
				}
			}
		}
	}
	return false
}

// findingRef is how a plan entry names a finding about it.
func findingRef(f Finding) string {
	return fmt.Sprintf("%s %s: %s", f.Severity, patternText(f.Pattern), subjectText(f))
}

// raise makes a plan verdict at least as grave as a finding about it.
func raise(verdict, reason *string, f Finding) {
	want := map[string]string{analysis.Critical: OffTrack, analysis.Warn: AtRisk}[f.Severity]
	if want == "" || verdictRank[*verdict] >= verdictRank[want] {
		return
	}
	*verdict = want
	*reason += fmt.Sprintf("; but the %s finding on %s shows it broken there", f.Severity, subjectText(f))
}

// verdictRank orders verdicts by how grave they are.
var verdictRank = map[string]int{Unknown: 0, Done: 0, OnTrack: 1, AtRisk: 2, Late: 2, OffTrack: 3}
