package reports

import (
	"fmt"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
)

// Helpers shared by the Markdown and HTML renderers.

// countsText renders verdict or severity counts in the given order:
// "1 off track, 2 on track".
func countsText(counts map[string]int, order []string) string {
	var parts []string
	for _, k := range order {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, verdictText(k)))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Severities in display order.
var Severities = []string{"critical", "warn", "info"}

func pct(share float64) string { return fmt.Sprintf("%.0f%%", 100*share) }

func complianceText(c *Compliance, metric string) string {
	switch {
	case c == nil || c.N == 0:
		return "no cases"
	case metric == "unreviewed_merges":
		return fmt.Sprintf("%.0f of %d", c.Value, c.N)
	}
	return fmt.Sprintf("%s of %d", pct(c.Share), c.N)
}

// safeLink returns u when it is an absolute http or https URL, else "":
// anything else (javascript:, data:, relative paths) is shown as text.
func safeLink(u string) string {
	return SafeURL(u)
}

// forecastText is "P50 2026-11-22 · P85 2026-12-01".
func forecastText(f *Forecast) string {
	if f == nil {
		return "–"
	}
	s := fmt.Sprintf("P50 %s · P85 %s", f.P50, f.P85)
	if f.Capped {
		s += " (some trials beyond 10 years)"
	}
	return s
}

func progressText(p Progress) string {
	s := fmt.Sprintf("%d of %d done", p.Done, p.Items)
	if p.Points > 0 {
		s += fmt.Sprintf(" (%g of %g points)", p.DonePoints, p.Points)
	}
	return s
}

func waitText(w Wait, perDay float64) string {
	switch {
	case w.NotMeasured != "":
		return "not measured"
	case w.Items == 0:
		return "none"
	}
	return fmt.Sprintf("%s of %s waited %s", plural(w.Items, "item", "items"), strings.Join(w.Teams, ", "), workDays(w.Hours, perDay))
}

func findingsOf(fs []Finding, layer string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Layer == layer {
			out = append(out, f)
		}
	}
	return out
}

func topFindings(fs []Finding, n int) []Finding {
	if len(fs) < n {
		return fs
	}
	return fs[:n]
}

// subjectText names a finding's subject for people: "platform",
// "person-3 (platform)".
func subjectText(f Finding) string {
	if f.SubjectKind == "team" || f.Subject == f.Team || f.Team == "" {
		return f.Subject
	}
	return fmt.Sprintf("%s (%s)", f.Subject, f.Team)
}

func patternText(p string) string { return strings.ReplaceAll(p, "_", " ") }

func valueText(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%g", *v)
}

// maxEvidence is how many evidence items a finding lists; the rest are
// counted ("and 12 more") and all stay in report.json.
const maxEvidence = 6

func evidenceShown(items []analysis.EvidenceItem) []analysis.EvidenceItem {
	if len(items) > maxEvidence {
		return items[:maxEvidence]
	}
	return items
}

func evidenceMore(items []analysis.EvidenceItem) int { return max(len(items)-maxEvidence, 0) }

// verdictText is a verdict as the reader sees it: "done" and "late" say
// whether the due date was kept, so a late delivery never reads as plain done.
func verdictText(v string) string {
	switch v {
	case Done:
		return "done on time"
	case Late:
		return "done late"
	}
	return v
}
