package analysis

import (
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// The severity ladder every family follows. A family measures something
// against a limit: the plan's working agreement on that metric when the
// plan has one, else the config threshold that plays its part.
//
//   - info: the measure stays inside every agreement (shown for context);
//   - warn: it breaks the agreement (above the limit, for a count agreement
//     of zero any case at all);
//   - critical: it breaks the agreement by twice the limit, or stays above
//     it for most (more than half) of the window.
const LadderText = `Severity ladder (every family): the limit is the plan's working agreement on the
family's metric when the plan has one, else the config threshold.
  info      the measure stays inside every agreement (context only);
  warn      the agreement is broken: the measure is above the limit (a count agreement of 0:
            any case at all), over the window or for an episode of at least the family's
            minimum duration;
  critical  broken by twice the limit, or above it for most (more than half) of the window.`

// ladder is the severity of value against limit when the measure was above
// the limit on overShare (0..1) of the window.
func ladder(value, limit, overShare float64) string {
	switch {
	case value <= limit:
		return Info
	case limit > 0 && value >= 2*limit, overShare > 0.5:
		return Critical
	}
	return Warn
}

// atLeast returns the graver of two severities.
func atLeast(sev, floor string) string {
	if severityRank[floor] > severityRank[sev] {
		return floor
	}
	return sev
}

var severityRank = map[string]int{Info: 0, Warn: 1, Critical: 2}

// PlanAgreements are a plan's working agreement targets by metric, in the
// agreement's unit (hours for durations, a count otherwise); nil without
// a plan. When two agreements name one metric the stricter counts.
func PlanAgreements(p *config.Plan) map[string]float64 {
	if p == nil || len(p.Agreements) == 0 {
		return nil
	}
	out := map[string]float64{}
	for _, a := range p.Agreements {
		if _, known := config.AgreementMetrics[a.Metric]; !known {
			continue
		}
		if cur, ok := out[a.Metric]; !ok || a.Target < cur {
			out[a.Metric] = a.Target
		}
	}
	return out
}

// limits are the thresholds with the plan's agreements in their place:
// the agreements play the thresholds' part where they name the metric.
func limits(env *Env) config.Thresholds {
	th := WithDefaults(env.Thresholds)
	for metric, target := range env.Agreements {
		switch metric {
		case "review_pickup":
			th.ReviewPickup = config.Duration(time.Duration(target * float64(time.Hour)))
		case "blocked_time":
			th.BlockedMax = config.Duration(time.Duration(target * float64(time.Hour)))
		case "wip_per_person":
			th.WIPPerPerson = int(target)
		case "carry_over":
			th.CarryOver = int(target)
		}
	}
	return th
}

// unreviewedLimit is the most merges without an approving review a
// repository may have: the plan's agreement, else the config threshold;
// false when neither sets one.
func unreviewedLimit(env *Env) (float64, bool) {
	if v, ok := agreement(env, "unreviewed_merges"); ok {
		return v, true
	}
	if n := env.Thresholds.UnreviewedMerges; n != nil {
		return float64(*n), true
	}
	return 0, false
}

// agreement returns the plan's target for metric, if the plan sets one.
func agreement(env *Env, metric string) (float64, bool) {
	v, ok := env.Agreements[metric]
	return v, ok
}
