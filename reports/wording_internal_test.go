package reports

import (
	"testing"
	"time"
)

// Verdict reasons are plain sentences: counts of one read singular.

// TestDecisionVerdictOneDecision: one decision reads singular.
func TestDecisionVerdictOneDecision(t *testing.T) {
	r := DecisionResult{Decided: 1, WithinSLA: 1, P50Hours: 2, P85Hours: 2, SLAHours: 16, WorkDayHours: 8}
	_, reason := decisionVerdict(r)
	if want := "decided in time, but owners took only 0% of 1 decision (drift)"; reason != want {
		t.Errorf("reason %q, want %q", reason, want)
	}
}

// TestJudgeOneItemOpen: one open item without a pace reads singular.
func TestJudgeOneItemOpen(t *testing.T) {
	_, reason := judge(Progress{Items: 3, Remaining: 1}, nil, time.Time{}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "growth")
	if want := "growth finished no comparable items in the last weeks, so there is no pace to forecast from (1 item open)"; reason != want {
		t.Errorf("reason %q, want %q", reason, want)
	}
}
