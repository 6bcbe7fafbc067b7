package analysis_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
)

// episodeWindow is a window of fixture days [from, to) and whether the
// planted episode overlaps it by at least the family's minimum duration.
type episodeWindow struct {
	name     string
	from, to int
	found    bool
}

// checkEpisode runs family over the window and holds its findings about
// subject to what the window should show: the planted episode at warn or
// above, starting on wantStart, or nothing above info and no episode.
func checkEpisode(t *testing.T, env *analysis.Env, family, subject string, w episodeWindow, wantStart time.Time) {
	t.Helper()
	res := runA1(t, family, env)
	var got *analysis.Finding
	for i, f := range res.Findings {
		if f.Subject == subject {
			got = &res.Findings[i]
		}
	}
	if !w.found {
		if got != nil && (got.Severity != analysis.Info || got.Evidence.Episode != nil) {
			t.Errorf("%s: %s %s with episode %+v, want nothing above info and no episode", w.name, got.Severity, got.Summary, got.Evidence.Episode)
		}
		return
	}
	if got == nil {
		t.Fatalf("%s: findings %+v, want one about %s", w.name, findingBriefs(res.Findings), subject)
	}
	if rankOf(got.Severity) < rankOf(analysis.Warn) {
		t.Errorf("%s: severity %s, want warn or critical: %s", w.name, got.Severity, got.Summary)
	}
	ep := got.Evidence.Episode
	if ep == nil {
		t.Fatalf("%s: no episode in the evidence: %s", w.name, got.Summary)
	}
	if !ep.Start.Equal(wantStart) || len(got.Evidence.Timeline) == 0 {
		t.Errorf("%s: episode %+v (timeline %d points), want it to start %s", w.name, *ep, len(got.Evidence.Timeline), wantStart)
	}
	t.Logf("%s: %s: %s", w.name, got.Severity, got.Summary)
}

// workdaysAfter is the fixture day n working days after day d (fixture
// day 0 is a Monday).
func workdaysAfter(d, n int) int {
	for n > 0 {
		d++
		if d%7 < 5 {
			n--
		}
	}
	return d
}

// pickupFixture: rex reviews two of ann's pull requests every working day
// for six months within two hours, except that the requests made from day
// slowFrom to day slowTo wait three working days. Over six months the
// median pickup stays inside the agreement of one working day.
func pickupFixture(t *testing.T, slowFrom, slowTo int) *fixture {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("rex", "platform")
	n := 0
	for d := 0; d < 182; d++ {
		if d%7 >= 5 {
			continue
		}
		for _, h := range []float64{9, 13} {
			n++
			key := fmt.Sprintf("acme/api#%d", n)
			f.pr(fxPR{Key: key, Team: "platform", Author: "ann", Created: f.at(d, h)})
			f.request(key, "rex", f.at(d, h), "ann")
			at := f.at(d, h+2)
			if d >= slowFrom && d < slowTo {
				at = f.at(workdaysAfter(d, 3), h)
			}
			f.review(key, "rex", "APPROVED", at)
		}
	}
	return f
}

// TestReviewPickupEpisode: rex's four slow weeks (days 56 to 84) are an
// episode at warn or above over six months, a quarter and a month that
// overlap them by three weeks; a month after them shows nothing.
func TestReviewPickupEpisode(t *testing.T) {
	for _, w := range []episodeWindow{
		{"six months", 0, 182, true},
		{"last quarter", 42, 133, true},
		{"last month, 3 weeks of overlap", 63, 91, true},
		{"last month, first weeks", 49, 77, true},
		{"a month after", 112, 140, false},
	} {
		t.Run(w.name, func(t *testing.T) {
			f := pickupFixture(t, 56, 84)
			env := f.env(f.at(w.from, 0), f.at(w.to, 0), f.at(182, 0))
			checkEpisode(t, env, "approval_bottleneck", "rex", w, f.at(56, 0))
		})
	}
}

// TestReviewPickupBlip: one slow week is not an episode.
func TestReviewPickupBlip(t *testing.T) {
	f := pickupFixture(t, 56, 63)
	env := f.env(f.at(0, 0), f.at(182, 0), f.at(182, 0))
	checkEpisode(t, env, "approval_bottleneck", "rex", episodeWindow{name: "six months"}, time.Time{})
}

// churnFixture: team pay moves ten fresh items through To Do, In Progress
// and Done every week for six months; from day bounceFrom to day bounceTo
// three more items change hands every other working day. Over six months
// three churning items of some 260 stay far below the 10% warn level.
func churnFixture(t *testing.T, bounceFrom, bounceTo int) *fixture {
	f := newFixture(t)
	for _, p := range []string{"ann", "bob", "cat"} {
		f.person(p, "pay")
	}
	f.statuses("To Do", "new", "In Progress", "indeterminate", "Done", "done")
	n := 0
	for wk := 0; wk < 26; wk++ {
		for i := 0; i < 10; i++ {
			n++
			key := fmt.Sprintf("PAY-%d", n)
			f.issue(fxIssue{Key: key, Team: "pay", Assignee: "ann", Status: "Done", Created: f.at(7*wk, 8), Resolved: ptr(f.at(7*wk+3, 12))})
			f.status(key, f.at(7*wk, 9), "To Do", "In Progress", "ann")
			f.status(key, f.at(7*wk+3, 12), "In Progress", "Done", "ann")
		}
	}
	people := []string{"ann", "bob", "cat"}
	for i := 1; i <= 3; i++ {
		key := fmt.Sprintf("BNC-%d", i)
		f.issue(fxIssue{Key: key, Team: "pay", Assignee: "ann", Status: "In Progress", Created: f.at(bounceFrom-1, 9)})
		f.status(key, f.at(bounceFrom, 9), "To Do", "In Progress", "ann")
		f.assign(key, f.at(bounceFrom, 9), "", "ann", "ann")
		h := 0
		for d := bounceFrom; d < bounceTo; d += 2 {
			if d%7 >= 5 {
				continue
			}
			f.assign(key, f.at(d, 10+float64(i)), people[h%3], people[(h+1)%3], "ann")
			h++
		}
	}
	return f
}

// TestHandoffChurnEpisode: four weeks in which three of some thirteen
// items moving each week change hands (days 56 to 84) are an episode at
// warn or above over six months, a quarter and months overlapping them by
// two weeks; a month after them shows nothing.
func TestHandoffChurnEpisode(t *testing.T) {
	for _, w := range []episodeWindow{
		{"six months", 0, 182, true},
		{"last quarter", 28, 119, true},
		{"last month, 2 weeks of overlap", 70, 98, true},
		{"last month, first weeks", 42, 70, true},
		{"a month after", 112, 140, false},
	} {
		t.Run(w.name, func(t *testing.T) {
			f := churnFixture(t, 56, 84)
			env := f.env(f.at(w.from, 0), f.at(w.to, 0), f.at(182, 0))
			checkEpisode(t, env, "handoff_churn", "pay", w, f.at(56, 0))
		})
	}
}

// TestHandoffChurnBlip: one week of handoffs is not an episode.
func TestHandoffChurnBlip(t *testing.T) {
	f := churnFixture(t, 56, 61)
	env := f.env(f.at(0, 0), f.at(182, 0), f.at(182, 0))
	checkEpisode(t, env, "handoff_churn", "pay", episodeWindow{name: "six months"}, time.Time{})
}

// mergesFixture: ann merges a pull request into acme/pay and one into
// acme/web every working day for six months, each approved by bob, except
// the acme/pay merges on the days unapproved lists: those get review (a
// comment by bob, or no review at all) but no approval.
func mergesFixture(t *testing.T, team string, unapproved map[int]string) *fixture {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "platform")
	n := 0
	for d := 0; d < 182; d++ {
		if d%7 >= 5 {
			continue
		}
		for _, repo := range []string{"acme/pay", "acme/web"} {
			n++
			key := fmt.Sprintf("%s#%d", repo, n)
			f.pr(fxPR{Key: key, Team: team, Author: "ann", Created: f.at(d, 9), Merged: ptr(f.at(d, 15))})
			switch how, odd := unapproved[d]; {
			case !odd || repo == "acme/web":
				f.review(key, "bob", "APPROVED", f.at(d, 11))
			case how == "commented":
				f.review(key, "bob", "COMMENTED", f.at(d, 11))
			}
		}
	}
	return f
}

// TestUnapprovedMergesAnyWindow: a repository where 20 merges of six
// months had no approving review (none anywhere else), against a plan
// agreement of zero, is at least warn over the last month, the last
// quarter and the six months, whether the merges had a comment only, no
// review at all, or belong to no team.
func TestUnapprovedMergesAnyWindow(t *testing.T) {
	for _, tc := range []struct{ name, team, how string }{
		{"commented, never approved", "platform", "commented"},
		{"never reviewed", "platform", "none"},
		{"no team owns the repository", "", "commented"},
	} {
		unapproved := map[int]string{}
		for d := 3; len(unapproved) < 20; d += 9 {
			if d%7 < 5 {
				unapproved[d] = tc.how
			} else {
				unapproved[d+2] = tc.how
			}
		}
		for _, w := range [][2]int{{154, 182}, {91, 182}, {0, 182}} {
			t.Run(fmt.Sprintf("%s/days %d-%d", tc.name, w[0], w[1]), func(t *testing.T) {
				f := mergesFixture(t, tc.team, unapproved)
				env := f.env(f.at(w[0], 0), f.at(w[1], 0), f.at(182, 0))
				env.Agreements = map[string]float64{"unreviewed_merges": 0}
				res := runA1(t, "ownership_gap", env)
				fd := findingAbout(res.Findings, "repo", "acme/pay")
				if fd == nil || rankOf(fd.Severity) < rankOf(analysis.Warn) {
					t.Fatalf("findings %+v, want acme/pay at warn or above", findingBriefs(res.Findings))
				}
				// The report ties a finding to the unreviewed_merges agreement
				// by this value: the metric's own name, as the team finding has it.
				if n := fd.Evidence.Values["unreviewed_merges"]; n < 1 {
					t.Errorf("acme/pay evidence unreviewed_merges = %v, want the window's count", n)
				}
				if web := findingAbout(res.Findings, "repo", "acme/web"); web != nil {
					t.Errorf("acme/web: %s %s, want nothing (every merge approved)", web.Severity, web.Summary)
				}
				t.Logf("%s: %s", fd.Severity, fd.Summary)
			})
		}
	}
}

// TestUnapprovedMergeEpisode: two merges a week without approval for four
// weeks (days 56 to 84) are an episode over six months, a quarter and
// months overlapping them by two weeks; a month after them shows nothing.
func TestUnapprovedMergeEpisode(t *testing.T) {
	unapproved := map[int]string{}
	for d := 56; d < 84; d += 7 {
		unapproved[d], unapproved[d+2] = "commented", "none"
	}
	for _, w := range []episodeWindow{
		{"six months", 0, 182, true},
		{"last quarter", 28, 119, true},
		{"last month, 2 weeks of overlap", 70, 98, true},
		{"last month, first weeks", 42, 70, true},
		{"a month after", 112, 140, false},
	} {
		t.Run(w.name, func(t *testing.T) {
			f := mergesFixture(t, "platform", unapproved)
			env := f.env(f.at(w.from, 0), f.at(w.to, 0), f.at(182, 0))
			env.Agreements = map[string]float64{"unreviewed_merges": 0}
			checkEpisode(t, env, "ownership_gap", "acme/pay", w, f.at(56, 0))
		})
	}
	// One week of them breaks the agreement but is no episode.
	f := mergesFixture(t, "platform", map[int]string{56: "commented", 58: "none"})
	env := f.env(f.at(0, 0), f.at(182, 0), f.at(182, 0))
	env.Agreements = map[string]float64{"unreviewed_merges": 0}
	fd := findingAbout(runA1(t, "ownership_gap", env).Findings, "repo", "acme/pay")
	if fd == nil || fd.Severity != analysis.Warn || fd.Evidence.Episode != nil {
		t.Errorf("one week: finding %+v, want warn without an episode", fd)
	}
}

// scopeFixture: team red runs back-to-back sprints of sprintDays for six
// months, each committing ten items at its start; the sprints whose index
// churny lists get five more items added two days after their start.
func scopeFixture(t *testing.T, sprintDays int, churny map[int]bool) *fixture {
	f := newFixture(t)
	f.person("ann", "red")
	f.statuses("To Do", "new", "In Progress", "indeterminate", "Done", "done")
	n := 0
	for s := 0; s*sprintDays < 182; s++ {
		start, end := f.at(s*sprintDays, 9), f.at((s+1)*sprintDays-1, 17)
		id := fmt.Sprintf("%d", s+1)
		f.sprint(id, "S"+id, "1", "closed", start, end, ptr(end))
		for i := 0; i < 15; i++ {
			if i >= 10 && !churny[s] {
				break
			}
			n++
			key := fmt.Sprintf("RED-%d", n)
			added := f.at(s*sprintDays-1, 9)
			if i >= 10 {
				added = f.at(s*sprintDays+2, 9)
			}
			f.issue(fxIssue{Key: key, Team: "red", Assignee: "ann", Status: "Done", Created: added, Resolved: ptr(f.at((s+1)*sprintDays-2, 12))})
			f.sprintItem(id, key, ptr(added), nil, i < 10, true)
		}
	}
	return f
}

// TestScopeChurnEpisode: two two-week sprints that grew by half their
// commitment (days 56 to 84) are an episode at warn or above over six
// months, a quarter and months overlapping them by two weeks; a month
// after them shows nothing.
func TestScopeChurnEpisode(t *testing.T) {
	for _, w := range []episodeWindow{
		{"six months", 0, 182, true},
		{"last quarter", 28, 119, true},
		{"last month, 2 weeks of overlap", 70, 98, true},
		{"last month, first weeks", 42, 70, true},
		{"a month after", 112, 140, false},
	} {
		t.Run(w.name, func(t *testing.T) {
			f := scopeFixture(t, 14, map[int]bool{4: true, 5: true})
			env := f.env(f.at(w.from, 0), f.at(w.to, 0), f.at(182, 0))
			checkEpisode(t, env, "scope_churn", "red", w, f.at(56, 0))
		})
	}
}

// TestScopeChurnBlip: one one-week sprint that grew by half is not an
// episode over six months of one-week sprints.
func TestScopeChurnBlip(t *testing.T) {
	f := scopeFixture(t, 7, map[int]bool{8: true})
	env := f.env(f.at(0, 0), f.at(182, 0), f.at(182, 0))
	checkEpisode(t, env, "scope_churn", "red", episodeWindow{name: "six months"}, time.Time{})
}

// TestUnapprovedMergesLimit: without a plan the config threshold plays the
// agreement's part; a plan's agreement wins over it; with neither there
// is no count to hold a repository against.
func TestUnapprovedMergesLimit(t *testing.T) {
	zero := 0
	unapproved := map[int]string{}
	for d := 3; len(unapproved) < 20; d += 9 {
		if d%7 < 5 {
			unapproved[d] = "commented"
		}
	}
	for _, tc := range []struct {
		name      string
		threshold *int
		plan      map[string]float64
		want      bool
	}{
		{"config threshold 0, no plan", &zero, nil, true},
		{"neither", nil, nil, false},
		{"plan 30 wins over config 0", &zero, map[string]float64{"unreviewed_merges": 30}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mergesFixture(t, "platform", unapproved)
			env := f.env(f.at(0, 0), f.at(182, 0), f.at(182, 0))
			env.Thresholds.UnreviewedMerges, env.Agreements = tc.threshold, tc.plan
			fd := findingAbout(runA1(t, "ownership_gap", env).Findings, "repo", "acme/pay")
			if got := fd != nil && rankOf(fd.Severity) >= rankOf(analysis.Warn); got != tc.want {
				t.Errorf("acme/pay at warn or above: %v, want %v (finding %+v)", got, tc.want, fd)
			}
		})
	}
}
