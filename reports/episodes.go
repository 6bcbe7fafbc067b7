package reports

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/analysis"
)

// severityRules are the severity ladder, the trend rule and each family's
// minimum episode, as analysis applies them, for the report's glossary.
func severityRules() []string {
	rules := []string{oneLine(analysis.LadderText), oneLine(analysis.TrendText)}
	var eps []string
	fams := make([]string, 0, len(analysis.MinEpisodeDays))
	for fam := range analysis.MinEpisodeDays {
		fams = append(fams, fam)
	}
	sort.Strings(fams)
	for _, fam := range fams {
		eps = append(eps, fmt.Sprintf("%s %d", patternText(fam), analysis.MinEpisodeDays[fam]))
	}
	rules = append(rules, fmt.Sprintf("Minimum episode (working days above the limit; a week counts five, a sprint ten), read over %d days before the period so an episode is found whatever day the period starts: %s.",
		int(analysis.Lookback.Hours()/24), strings.Join(eps, ", ")))
	return rules
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// findingTimeText says how a finding compares with the previous period
// and, for an episode, when it started, peaked and ended.
func findingTimeText(f Finding) string {
	var parts []string
	if t := f.Evidence.Trend; t != "" {
		parts = append(parts, "trend: "+t)
	}
	if e := f.Evidence.Episode; e != nil {
		end := "still going on"
		if !e.Ongoing {
			end = "ended " + e.End.Format(time.DateOnly)
		}
		parts = append(parts, fmt.Sprintf("episode from %s, peak %s on %s, %s",
			e.Start.Format(time.DateOnly), episodeValue(f.Pattern, e.PeakValue), e.Peak.Format(time.DateOnly), end))
	}
	return strings.Join(parts, "; ")
}

// timelineText is an episode's timeline, one value per point, with the
// unit the values are in.
func timelineText(f Finding) string {
	ps := f.Evidence.Timeline
	if len(ps) == 0 {
		return ""
	}
	vs := make([]string, len(ps))
	for i, p := range ps {
		vs[i] = fmtValue(p.Value)
		if episodeUnit[f.Pattern] == "%" {
			vs[i] = fmt.Sprintf("%.0f", 100*p.Value)
		}
	}
	unit := episodeUnit[f.Pattern]
	if unit != "" {
		unit = " (" + unit + ")"
	}
	return fmt.Sprintf("from %s%s: %s", ps[0].At.Format(time.DateOnly), unit, strings.Join(vs, " "))
}

// episodeUnit is what each family's episode series counts: items in
// progress a day, the median working days of the waits (or review
// pickups) open a week, the share of a sprint's commitment carried over,
// the share of a week's moving items that bounced, a repository's merges
// without approving review a week, the churn of the sprints under way.
var episodeUnit = map[string]string{
	"wip_overload":        "items",
	"dependency_delay":    "working days",
	"decision_latency":    "working days",
	"stalled_commitment":  "%",
	"approval_bottleneck": "working days",
	"handoff_churn":       "%",
	"ownership_gap":       "merges without approving review",
	"scope_churn":         "%",
}

// episodeValue is one value of an episode series with its unit.
func episodeValue(pattern string, v float64) string {
	switch u := episodeUnit[pattern]; u {
	case "%":
		return fmt.Sprintf("%.0f%%", 100*v)
	case "":
		return fmtValue(v)
	default:
		return fmtValue(v) + " " + u
	}
}

func fmtValue(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprint(int64(v))
	}
	return fmt.Sprintf("%.2g", v)
}
