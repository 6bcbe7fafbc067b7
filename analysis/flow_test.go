package analysis_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFlowMetrics(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "platform")
	f.statuses("To Do", "new", "In Progress", "indeterminate", "In Review", "indeterminate", "Done", "done")
	// Five issues created Monday 9:00, started Tuesday 9:00, in review from
	// 16:00 on day i, done the next day at 9:00 (days 2..6, all in W45).
	for i := 1; i <= 5; i++ {
		key := fmt.Sprintf("PLAT-%d", i)
		done := f.at(1+i, 9)
		f.issue(fxIssue{Key: key, Team: "platform", Assignee: "ann", Status: "Done", Created: f.at(0, 9), Resolved: &done})
		f.status(key, f.at(1, 9), "To Do", "In Progress", "ann")
		f.status(key, f.at(i, 16), "In Progress", "In Review", "ann")
		f.status(key, done, "In Review", "Done", "bob")
	}
	// One PR per day, picked up after two working hours and merged at 17:00.
	for d := 0; d < 5; d++ {
		key := fmt.Sprintf("acme/api#%d", d+1)
		f.pr(fxPR{Key: key, Team: "platform", Author: "ann", Created: f.at(d, 9), Merged: ptr(f.at(d, 17))})
		f.request(key, "bob", f.at(d, 9), "ann")
		f.review(key, "bob", "APPROVED", f.at(d, 11))
	}
	env := f.env(f.at(0, 0), f.at(14, 0), f.at(14, 0))
	res := runA1(t, "flow", env)
	got := map[string]float64{}
	for _, m := range res.Metrics {
		if m.Period == "all" || m.Period == "2026-W45" || m.Period == "2026-W46" {
			got[m.Metric+" "+m.Period] = m.Value
		}
	}
	want := map[string]float64{
		"lead_time_p50_days all": 4, "lead_time_p85_days all": 6,
		"cycle_time_p50_days all": 3, "cycle_time_p85_days all": 5,
		"throughput all": 5, "throughput 2026-W45": 5, "throughput 2026-W46": 0,
		"review_pickup_p50_hours all": 2, "review_pickup_p85_hours all": 2,
		"review_pickup_p50_hours 2026-W45": 2, "review_pickup_p85_hours 2026-W45": 2,
		"pr_merge_p50_hours all": 8, "pr_merge_p50_hours 2026-W45": 8,
		// 108 active of 112 working hours; 20 issue-days over 6 days.
		"flow_efficiency all": 0.96, "wip_avg all": 3.33,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("metrics (-want +got):\n%s", d)
	}
}

func TestFlowNoData(t *testing.T) {
	f := newFixture(t)
	env := f.env(f.at(0, 0), f.at(14, 0), f.at(14, 0))
	res := runA1(t, "flow", env)
	if len(res.Metrics)+len(res.Findings) != 0 {
		t.Errorf("empty store gave %+v", res)
	}
}
