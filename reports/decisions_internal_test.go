package reports

import "testing"

// TestDecisionVerdictOneDecision: one decision reads singular.
func TestDecisionVerdictOneDecision(t *testing.T) {
	r := DecisionResult{Decided: 1, WithinSLA: 1, P50Hours: 2, P85Hours: 2, SLAHours: 16, WorkDayHours: 8}
	_, reason := decisionVerdict(r)
	if want := "decided in time, but owners took only 0% of 1 decision (drift)"; reason != want {
		t.Errorf("reason %q, want %q", reason, want)
	}
}
