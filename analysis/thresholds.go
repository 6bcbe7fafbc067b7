package analysis

import (
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// DefaultThresholds are the documented defaults of config.Thresholds, the
// one place they are written down; plan agreements override them.
var DefaultThresholds = config.Thresholds{
	MinSample:       5,
	ReviewPickup:    config.Duration(24 * time.Hour),
	WIPPerPerson:    3,
	BlockedMax:      config.Duration(48 * time.Hour),
	DecisionSLA:     config.Duration(48 * time.Hour),
	Inactive:        config.Duration(5 * 24 * time.Hour),
	CarryOver:       1,
	AgingPercentile: 0.85,
	AssigneeChanges: 3,
	StatusReturns:   2,
	ReviewRounds:    2,
	ScopeChurn:      0.25,
	ReviewerShare:   0.5,
	CrossTeamShare:  0.1,
	ThroughputWeeks: 12,
	ForecastTrials:  10000,
}

// WithDefaults returns t with every zero value replaced by its default.
// It is idempotent, so modules may call it on env.Thresholds again.
func WithDefaults(t config.Thresholds) config.Thresholds {
	d := DefaultThresholds
	fill(&t.MinSample, d.MinSample)
	fill(&t.ReviewPickup, d.ReviewPickup)
	fill(&t.WIPPerPerson, d.WIPPerPerson)
	fill(&t.BlockedMax, d.BlockedMax)
	fill(&t.DecisionSLA, d.DecisionSLA)
	fill(&t.Inactive, d.Inactive)
	fill(&t.CarryOver, d.CarryOver)
	fill(&t.AgingPercentile, d.AgingPercentile)
	fill(&t.AssigneeChanges, d.AssigneeChanges)
	fill(&t.StatusReturns, d.StatusReturns)
	fill(&t.ReviewRounds, d.ReviewRounds)
	fill(&t.ScopeChurn, d.ScopeChurn)
	fill(&t.ReviewerShare, d.ReviewerShare)
	fill(&t.CrossTeamShare, d.CrossTeamShare)
	fill(&t.ThroughputWeeks, d.ThroughputWeeks)
	fill(&t.ForecastTrials, d.ForecastTrials)
	return t
}

func fill[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
