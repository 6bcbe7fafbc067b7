package synth_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/synth"
)

// TestGroundTruthMatchesData reads the generated files back and checks that
// every planted pattern is there, well above the default thresholds, and
// that the control team stays well below them.
func TestGroundTruthMatchesData(t *testing.T) {
	// Three seeds put every bounded family in each placement once.
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			spec := smallSpec()
			spec.Seed = seed
			groundTruthMatches(t, spec)
		})
	}
}

func groundTruthMatches(t *testing.T, spec synth.Spec) {
	dir := t.TempDir()
	res, err := synth.Generate(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	ob := observe(t, dir, res)
	gt := res.Truth
	if gt.ControlTeam != "web" || len(gt.Patterns) != 9 {
		t.Fatalf("control %q, %d patterns; want web and 9", gt.ControlTeam, len(gt.Patterns))
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
			checkBounds(t, ob, res, p)
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
			if ob.carries[k] < 1 || ob.team[k] != p.Team {
				t.Errorf("%s (%s) carried over %d times, want >= 1", k, ob.team[k], ob.carries[k])
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
	case "ownership_gap":
		n := 0
		for _, m := range ob.merges {
			if !m.reviewed {
				n++
				if m.repo != p.Subject {
					t.Errorf("%s merged without review outside the planted repository %s", m.key, p.Subject)
				}
			}
		}
		if n < 10 || n != len(p.Items) {
			t.Errorf("%d merges without review, %d listed; want the same, at least 10", n, len(p.Items))
		}
	case "scope_churn":
		added, planned := 0, 0
		for _, pl := range ob.planned {
			if pl.team == p.Team && !pl.sprintStart.Before(p.Start) && pl.sprintStart.Before(p.End) {
				planned++
				if pl.at.After(pl.sprintStart) {
					added++
				}
			}
		}
		if added < 5 || float64(added) < 0.4*float64(planned) {
			t.Errorf("%d of %d items planned in the stretch's sprints added after their start, want at least 40%%", added, planned)
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

// checkBounds holds the planted behaviour to its recorded stretch: the
// events that make the pattern happen inside [Start, End] and nowhere else.
func checkBounds(t *testing.T, ob *observed, res *synth.Result, p synth.Pattern) {
	if p.Placement == "whole" {
		return
	}
	if !p.Start.Before(p.End) || p.Start.Before(res.Spec.Start()) || p.End.After(res.Spec.End) {
		t.Fatalf("stretch %s..%s outside the history %s..%s", p.Start, p.End, res.Spec.Start(), res.Spec.End)
	}
	inside, outside := 0, 0
	at := func(ts ...time.Time) {
		for _, x := range ts {
			if x.Before(p.Start) || x.After(p.End) {
				outside++
				if outside <= 3 {
					t.Errorf("%s behaviour at %s, outside its stretch %s..%s", p.Family, x.Format(time.DateTime),
						p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
				}
			} else {
				inside++
			}
		}
	}
	switch p.Family {
	case "approval_bottleneck":
		at(ob.asked[p.Subject]...)
	case "stalled_commitment":
		for k, ts := range ob.carryAt {
			if ob.team[k] == p.Team && len(ts) >= 2 {
				at(ts...)
			}
		}
	case "dependency_delay":
		// Waits longer than the plan's two days (16 working hours); the
		// short blocks of every team last hours.
		for k, ss := range ob.blockSpan {
			for _, s := range ss {
				if ob.team[k] == "growth" && workHours(s[0], s[1]) > 16 {
					at(s[0], s[1])
				}
			}
		}
	case "decision_latency":
		for _, d := range ob.decisions {
			if d.by == p.Subject && d.hours > 16 {
				at(d.from, d.at)
			}
		}
	case "handoff_churn":
		for k, ts := range ob.assignAt {
			if ob.team[k] == p.Team && ob.assignees[k] >= 4 {
				at(ts...)
			}
		}
	case "wip_overload":
		iv := ob.progress[p.Subject]
		for _, a := range iv {
			n := 0
			for _, b := range iv {
				if !b[0].After(a[0]) && b[1].After(a[0]) {
					n++
				}
			}
			if n > 3 {
				at(a[0])
			}
		}
	case "ownership_gap":
		for _, m := range ob.merges {
			if !m.reviewed {
				at(m.at)
			}
		}
	case "scope_churn":
		added := map[bool][2]int{} // inside the stretch -> added, planned
		for _, pl := range ob.planned {
			if pl.team != p.Team {
				continue
			}
			in := !pl.sprintStart.Before(p.Start) && pl.sprintStart.Before(p.End)
			c := added[in]
			c[1]++
			if pl.at.After(pl.sprintStart) {
				c[0]++
			}
			added[in] = c
		}
		if c := added[false]; c[1] > 0 && float64(c[0]) > 0.25*float64(c[1]) {
			t.Errorf("outside the stretch %d of %d items added after their sprint started, want at most 25%%", c[0], c[1])
		}
		inside = added[true][0]
		removed := 0
		for k, ts := range ob.removed {
			if ob.team[k] == p.Team {
				at(ts...)
				removed += len(ts)
			}
		}
		if removed == 0 {
			t.Errorf("no %s item taken out of a running sprint", p.Team)
		}
	}
	if inside == 0 {
		t.Errorf("no %s behaviour inside its stretch %s..%s", p.Family, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
	}
	if outside > 0 {
		t.Errorf("%d events of %s outside its stretch", outside, p.Family)
	}
}
