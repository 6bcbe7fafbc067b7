package synth

import "time"

// rates are the behaviour of one team: how long work takes, how often it
// is blocked, bounced or reassigned, and who decides.
type rates struct {
	active      [2]float64 // working hours of active work (right-skewed)
	bigShare    float64    // share of items that are much larger
	big         [2]float64
	review      [2]float64 // working hours in review
	slots       int        // items a person works on at once
	shortBlock  float64    // share of items blocked for a few hours
	reassign    float64    // share of items handed to someone else once
	bounce      float64    // share of items sent back from review once
	churn       float64    // share of items ping-ponging between owners
	decide      float64    // share of items passing "Awaiting Approval"
	decider     int        // person who moves items out of it
	decideHours [2]float64 // working hours until the decision
	decideBugs  bool       // bugs pass "Awaiting Approval" too
	bugShare    float64
}

func (o *org) rates(t int) rates {
	// The baseline stays clearly inside the analysis' limits: one return
	// from review is two status returns, and a sprint of five committed
	// items gaining two is already 40% scope churn, so new work waits for
	// the next sprint (only the scope stretch pulls work in, see
	// unplannedArrivals).
	r := rates{active: [2]float64{6, 30}, review: [2]float64{3, 14}, slots: 2,
		shortBlock: 0.08, reassign: 0.08, bounce: 0.04, decider: -1, bugShare: 0.25}
	switch t {
	case teamPlatform:
		r.decide, r.decider, r.decideHours = 0.25, o.fastDecider, [2]float64{1, 6}
	case teamGrowth:
		r.review = [2]float64{12, 36} // their pull requests wait on the bottleneck reviewer
	case teamPayments:
		r.churn = 0.6
		r.decide, r.decider, r.decideHours = 0.7, o.slowDecider, [2]float64{30, 70}
	case teamMobile:
		r.active, r.bigShare, r.big = [2]float64{30, 90}, 0.4, [2]float64{110, 180}
	case teamWeb:
		r = rates{active: [2]float64{4, 14}, review: [2]float64{1, 4}, slots: 1, decider: -1, bugShare: 0.2}
	}
	return r
}

// ratesAt is team t's behaviour for work that becomes available at 'at':
// the planted rates inside a family's stretch, healthy rates outside it.
func (g *gen) ratesAt(t int, at time.Time) rates {
	r := g.org.rates(t)
	switch t {
	case teamPayments:
		if !g.in(famHandoff, at) {
			r.churn = 0
		}
		if g.in(famDecision, at) {
			r.decideBugs = true
		} else {
			r.decide, r.decideHours = 0.3, [2]float64{1, 6}
		}
	case teamMobile:
		if !g.in(famStalled, at) {
			r.active, r.bigShare = [2]float64{6, 30}, 0
		}
	}
	return r
}
