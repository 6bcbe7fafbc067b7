package reports_test

import (
	"context"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/reports"
)

// TestAgreementTrackedSince: an agreement with a start date is tracked
// from it: the cases before and after the date are the ones a direct
// count finds, the verdict on the days since follows the target, and an
// agreement starting after the period says the next report tracks it.
func TestAgreementTrackedSince(t *testing.T) {
	st := newFixture(t)
	plan, err := config.ParsePlan("plan.yaml", []byte(`agreements:
  - {id: pickup, title: "Reviews picked up within a day", metric: review_pickup, target: 24h, since: 2026-10-12}
  - {id: reviewed, title: "Every merge reviewed", metric: unreviewed_merges, target: 0, since: 2026-10-10}
  - {id: later, title: "Nothing blocked over two days", metric: blocked_time, target: 2d, since: 2026-11-04}
  - {id: always, title: "WIP", metric: wip_per_person, target: 3}
  - {id: decide, title: "Decisions within two days", metric: decision_latency, target: 2d}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := fixtureOptions(t, t.TempDir())
	opts.Plan = plan
	r, err := reports.Build(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		var n int
		if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	got := map[string]*reports.Tracking{}
	for _, a := range r.Plan.Agreements {
		got[a.ID] = a.Tracking
	}
	pickup := got["pickup"]
	if pickup == nil || pickup.Before == nil || pickup.After == nil {
		t.Fatalf("pickup: tracking %+v", pickup)
	}
	wantBefore := count(`SELECT count(*) FROM v_review_waits WHERE requested_at >= TIMESTAMPTZ '2026-10-12 00:00:00+00' - INTERVAL 31 DAY AND requested_at < '2026-10-12'`)
	wantAfter := count(`SELECT count(*) FROM v_review_waits WHERE requested_at >= '2026-10-12' AND requested_at < '2026-11-01'`)
	if pickup.Before.N != wantBefore || pickup.After.N != wantAfter {
		t.Errorf("pickup cases before/after = %d/%d, direct count %d/%d", pickup.Before.N, pickup.After.N, wantBefore, wantAfter)
	}
	if pickup.Status != reports.TooFew || !strings.HasPrefix(pickup.Text, "since 2026-10-12: review pickup p85 working days ") {
		t.Errorf("pickup: %q (%s)", pickup.Text, pickup.Status)
	}
	unreviewed := count(`SELECT count(*) FROM v_pr_phases WHERE unreviewed_merge AND merged_at >= '2026-10-10' AND merged_at < '2026-11-01'`)
	if rv := got["reviewed"]; rv == nil || rv.After == nil || int(rv.After.Value) != unreviewed || rv.Status != reports.NotKept {
		t.Errorf("reviewed: %+v, want %d unreviewed merges since 2026-10-10 and %q", rv, unreviewed, reports.NotKept)
	}
	if l := got["later"]; l == nil || l.Status != reports.NotStarted || l.Before != nil {
		t.Errorf("later: %+v, want not started", l)
	}
	for _, a := range r.Plan.Agreements {
		if a.ID != "decide" {
			continue
		}
		want := count(`SELECT count(*) FROM v_decisions WHERE entered_at >= '2026-10-01' AND entered_at < '2026-11-01'`)
		if a.This == nil || a.This.N != want || want == 0 {
			t.Errorf("decision_latency agreement: %+v (%s), want %d decisions entered in October", a.This, a.Reason, want)
		}
	}
	if got["always"] != nil {
		t.Errorf("an agreement without since is not tracked: %+v", got["always"])
	}
}
