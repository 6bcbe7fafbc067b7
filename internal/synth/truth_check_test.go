package synth_test

import (
	"testing"

	"github.com/systemic-dev/systemic/internal/synth"
)

// TestGroundTruthMatchesData reads the generated files back and checks that
// every planted pattern is there, well above the default thresholds, and
// that the control team stays well below them.
func TestGroundTruthMatchesData(t *testing.T) {
	dir := t.TempDir()
	res, err := synth.Generate(dir, smallSpec())
	if err != nil {
		t.Fatal(err)
	}
	ob := observe(t, dir, res)
	gt := res.Truth
	if gt.ControlTeam != "web" || len(gt.Patterns) != 7 {
		t.Fatalf("control %q, %d patterns; want web and 7", gt.ControlTeam, len(gt.Patterns))
	}
	for _, p := range gt.Patterns {
		t.Run(p.Family, func(t *testing.T) {
			if len(p.Items) < 5 {
				t.Fatalf("only %d items planted", len(p.Items))
			}
			for _, k := range p.Items {
				if _, ok := ob.team[k]; !ok {
					t.Fatalf("planted item %s is not in the dataset", k)
				}
			}
			checkPattern(t, ob, p)
			t.Logf("%s %s: %s", p.Subject, p.Family, p.Note)
		})
	}
	t.Run("control", func(t *testing.T) { checkControl(t, ob, res, gt.ControlTeam) })
}

func checkPattern(t *testing.T, ob *observed, p synth.Pattern) {
	switch p.Family {
	case "approval_bottleneck":
		reqs := map[string]int{}
		for _, team := range []string{"platform", "growth"} {
			if s := share(ob.requests[team], p.Subject); s <= 0.5 {
				t.Errorf("%s receives %.2f of %s's review requests, want > 0.5", p.Subject, s, team)
			}
			for who, n := range ob.requests[team] {
				reqs[who] += n
			}
		}
		if m := median(ob.pickups[p.Subject]); m < 16 {
			t.Errorf("median pickup %.1f working hours, want several working days", m)
		}
		t.Logf("request share %.2f, median pickup %.1f working hours", share(reqs, p.Subject), median(ob.pickups[p.Subject]))
	case "stalled_commitment":
		for _, k := range p.Items {
			if ob.carries[k] < 2 || ob.team[k] != p.Team {
				t.Errorf("%s (%s) carried over %d times, want >= 2", k, ob.team[k], ob.carries[k])
			}
		}
	case "dependency_delay":
		waiting := 0
		for _, k := range p.Items {
			if ob.team[k] != p.Team {
				continue
			}
			waiting++
			if len(ob.blockedBy[k]) == 0 || ob.team[ob.blockedBy[k][0]] != "data" {
				t.Errorf("%s has no blocks link to a data item: %v", k, ob.blockedBy[k])
			}
			if ob.blocked[k] < 48 {
				t.Errorf("%s blocked %.0f hours, want more than 2 days", k, ob.blocked[k])
			}
		}
		if waiting == 0 {
			t.Error("no waiting items listed")
		}
	case "decision_latency":
		var hs []float64
		for _, k := range p.Items {
			d := ob.decisions[k]
			if d.by != p.Subject {
				t.Errorf("%s decided by %q, want %s", k, d.by, p.Subject)
			}
			hs = append(hs, d.hours)
		}
		if m := median(hs); m < 24 {
			t.Errorf("median decision %.1f working hours, want well above the 2d SLA", m)
		}
	case "handoff_churn":
		for _, k := range p.Items {
			if ob.assignees[k] < 4 || ob.returns[k] < 3 {
				t.Errorf("%s: %d assignee changes, %d returns; want >= 4 and >= 3", k, ob.assignees[k], ob.returns[k])
			}
		}
	case "silo":
		if who, s := topShare(ob.reviews[p.Subject]); s < 0.6 {
			t.Errorf("top reviewer %s has %.2f of %s's reviews, want > 0.6", who, s, p.Subject)
		}
	case "wip_overload":
		if n := maxConcurrent(ob.progress[p.Subject]); n < 6 {
			t.Errorf("%s has at most %d items in progress, want >= 6", p.Subject, n)
		}
	default:
		t.Errorf("unknown family %q", p.Family)
	}
}

func checkControl(t *testing.T, ob *observed, res *synth.Result, control string) {
	items := 0
	for k, team := range ob.team {
		if team != control {
			continue
		}
		items++
		if ob.carries[k] > 0 || ob.blocked[k] > 0 || ob.assignees[k] > 1 || ob.returns[k] > 0 {
			t.Errorf("%s: carries %d, blocked %.0fh, assignee changes %d, returns %d", k, ob.carries[k], ob.blocked[k], ob.assignees[k], ob.returns[k])
		}
		if _, ok := ob.decisions[k]; ok {
			t.Errorf("%s went through a decision state", k)
		}
	}
	if items < 50 {
		t.Fatalf("control team has only %d items", items)
	}
	for _, tm := range res.Teams {
		if tm.Name != control {
			continue
		}
		for _, m := range tm.Members {
			if n := maxConcurrent(ob.progress[m]); n > 2 {
				t.Errorf("%s: %d items in progress at once", m, n)
			}
			if ps := ob.pickups[m]; len(ps) > 0 && median(ps) > 8 {
				t.Errorf("%s: median pickup %.1f working hours", m, median(ps))
			}
		}
		if who, s := topShare(ob.reviews[tm.Repo]); s >= 0.5 {
			t.Errorf("%s does %.2f of %s's reviews", who, s, tm.Repo)
		}
	}
	if m := median(ob.teamPickups[control]); m > 4 {
		t.Errorf("median pickup on %s pull requests %.1f working hours", control, m)
	}
}
