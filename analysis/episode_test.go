package analysis_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
)

// wipEpisodeFixture: dee carries two issues for six months, and ten at
// once for four two-week sprints in the middle (days 56 to 112); her
// median over the six months stays inside the agreement of three.
func wipEpisodeFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.person("dee", "data")
	f.statuses("To Do", "new", "In Progress", "indeterminate", "Done", "done")
	f.inProgress("dee", "data", "DATA", 1, 2)
	for i := 3; i <= 10; i++ {
		key := fmt.Sprintf("DATA-%d", i)
		f.issue(fxIssue{Key: key, Team: "data", Assignee: "dee", Status: "Done", Created: f.at(55, 9), Resolved: ptr(f.at(112, 12))})
		f.status(key, f.at(56, 9), "To Do", "In Progress", "dee")
		f.status(key, f.at(112, 12), "In Progress", "Done", "dee")
	}
	return f
}

func TestWIPEpisodeInSixMonths(t *testing.T) {
	f := wipEpisodeFixture(t)
	env := f.env(f.at(0, 0), f.at(182, 0), f.at(182, 0))
	res := runA1(t, "wip_overload", env)
	if len(res.Findings) != 1 {
		t.Fatalf("findings %+v, want one about dee's four sprints at ten issues", findingBriefs(res.Findings))
	}
	fd := res.Findings[0]
	if fd.Subject != "dee" || rankOf(fd.Severity) < rankOf(analysis.Warn) {
		t.Errorf("finding %s %s, want dee at warn or critical", fd.Severity, fd.Subject)
	}
	if fd.Evidence.Values["median_wip"] > 3 {
		t.Fatalf("median %v: the fixture must keep the six-month median inside the agreement", fd.Evidence.Values["median_wip"])
	}
	ep := fd.Evidence.Episode
	if ep == nil {
		t.Fatal("no episode in the evidence")
	}
	if !ep.Start.Equal(dayOf(f.at(56, 0))) || ep.Ongoing || !ep.End.Equal(dayOf(f.at(112, 0))) || ep.PeakValue != 10 {
		t.Errorf("episode %+v, want from day 56 to day 112 peaking at 10", *ep)
	}
	if len(fd.Evidence.Timeline) == 0 {
		t.Error("no timeline in the evidence")
	}
	t.Log(fd.Summary)
}

// TestWIPEpisodeWhateverTheWindow: the same episode is found over a month
// that starts in its middle, with its true start from the lookback.
func TestWIPEpisodeWhateverTheWindow(t *testing.T) {
	for _, w := range [][2]int{{84, 112}, {60, 90}, {98, 128}, {0, 182}} {
		f := wipEpisodeFixture(t)
		env := f.env(f.at(w[0], 0), f.at(w[1], 0), f.at(182, 0))
		res := runA1(t, "wip_overload", env)
		if len(res.Findings) != 1 || res.Findings[0].Evidence.Episode == nil {
			t.Errorf("window days %d-%d: findings %+v, want dee's episode", w[0], w[1], findingBriefs(res.Findings))
			continue
		}
		if ep := res.Findings[0].Evidence.Episode; !ep.Start.Equal(dayOf(f.at(56, 0))) {
			t.Errorf("window days %d-%d: episode starts %s, want day 56", w[0], w[1], ep.Start)
		}
	}
	// A window that holds fewer than ten working days of it finds nothing.
	f := wipEpisodeFixture(t)
	env := f.env(f.at(108, 0), f.at(140, 0), f.at(182, 0))
	if res := runA1(t, "wip_overload", env); len(res.Findings) != 0 {
		t.Errorf("window days 108-140: findings %+v, want none (the episode overlaps it by 4 days)", findingBriefs(res.Findings))
	}
}

func rankOf(sev string) int {
	return map[string]int{analysis.Info: 1, analysis.Warn: 2, analysis.Critical: 3}[sev]
}

func dayOf(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// TestUnreviewedMergesAgainstAgreement: 20 of 120 merges of one repository
// without review is a gap share below the 20% warn level, so info on its
// own; a plan agreement of zero unreviewed merges makes it at least warn.
func TestUnreviewedMergesAgainstAgreement(t *testing.T) {
	for _, tc := range []struct {
		name       string
		agreements map[string]float64
		want       string
	}{
		{"without a plan", nil, analysis.Info},
		{"agreement of zero", map[string]float64{"unreviewed_merges": 0}, analysis.Warn},
		{"agreement of ten: twice broken", map[string]float64{"unreviewed_merges": 10}, analysis.Critical},
		{"agreement of thirty: kept", map[string]float64{"unreviewed_merges": 30}, analysis.Info},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.person("ann", "platform")
			f.person("bob", "platform")
			for i := 1; i <= 120; i++ {
				key := fmt.Sprintf("acme/api#%d", i)
				f.pr(fxPR{Key: key, Team: "platform", Author: "ann", Created: f.at(i%20, 9), Merged: ptr(f.at(i%20, 12))})
				if i > 20 {
					f.review(key, "bob", "APPROVED", f.at(i%20, 10))
				}
			}
			env := f.env(f.at(0, 0), f.at(28, 0), f.at(28, 0))
			env.Agreements = tc.agreements
			res := runA1(t, "ownership_gap", env)
			team := findingAbout(res.Findings, "team", "platform")
			if team == nil || team.Severity != tc.want {
				t.Fatalf("findings %+v, want platform's at %s", findingBriefs(res.Findings), tc.want)
			}
			if got := team.Evidence.Values["unreviewed_merges"]; got != 20 {
				t.Errorf("unreviewed merges %v, want 20", got)
			}
			// The repository is held to the agreement too when there is one.
			repo := findingAbout(res.Findings, "repo", "acme/api")
			switch {
			case tc.agreements == nil || tc.want == analysis.Info:
				if repo != nil {
					t.Errorf("repository finding %s %s, want none", repo.Severity, repo.Summary)
				}
			case repo == nil || rankOf(repo.Severity) < rankOf(tc.want):
				t.Errorf("findings %+v, want acme/api at %s or above", findingBriefs(res.Findings), tc.want)
			}
		})
	}
}

// TestCarryOverEpisodeWhateverTheWindow: red carries over 3 of 7 items at
// the close of S1 and 2 of 3 at the close of S2, more sprints in a row
// than the agreement of one allows. A window holding only S2's close has
// too few committed items on its own; the episode, read over the lookback,
// is found at warn or above with its start at S1's close.
func TestCarryOverEpisodeWhateverTheWindow(t *testing.T) {
	s := newScenario(t)
	sprints(s)
	env := s.env(day(20, 0), day(35, 0), day(30, 12))
	env.Agreements = map[string]float64{"carry_over": 1}
	res := runModule(t, "stalled_commitment", env)
	if len(res.Findings) != 1 || rankOf(res.Findings[0].Severity) < rankOf(analysis.Warn) {
		t.Fatalf("findings %+v, want red at warn or critical", res.Findings)
	}
	f := res.Findings[0]
	ep := f.Evidence.Episode
	if ep == nil || ep.Periods != 2 || ep.Unit != "sprint" || !ep.Start.Before(day(20, 0)) {
		t.Fatalf("episode %+v, want two sprints starting before the window", ep)
	}
	t.Log(f.Summary)
	// An agreement allowing two sprints needs three in a row: none here.
	s = newScenario(t)
	sprints(s)
	env = s.env(day(20, 0), day(35, 0), day(30, 12))
	env.Agreements = map[string]float64{"carry_over": 2}
	for _, f := range runModule(t, "stalled_commitment", env).Findings {
		if f.Evidence.Episode != nil {
			t.Errorf("agreement of two sprints: episode %+v, want none", *f.Evidence.Episode)
		}
	}
}

// findingAbout is the finding about subject of kind, or nil.
func findingAbout(fs []analysis.Finding, kind, subject string) *analysis.Finding {
	for i, f := range fs {
		if f.SubjectKind == kind && f.Subject == subject {
			return &fs[i]
		}
	}
	return nil
}
