package analysis_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/analysis"
)

func TestSilo(t *testing.T) {
	f := newFixture(t)
	for _, p := range [][2]string{{"ann", "data"}, {"bob", "data"}, {"cat", "data"},
		{"dan", "web"}, {"eve", "web"}, {"fay", "web"}, {"gus", "platform"}} {
		f.person(p[0], p[1])
	}
	f.bot("ci-bot")
	f.exec("INSERT INTO team_ownership VALUES ('data', NULL, 'repo', 'acme/data'), ('web', NULL, 'repo', 'acme/web')")
	n := 0
	pr := func(repo, author string, day int) string {
		n++
		key := fmt.Sprintf("%s#%d", repo, n)
		f.pr(fxPR{Key: key, Author: author, Created: f.at(day, 9)})
		return key
	}
	// acme/data: bob reviews nine of ten, cat one; a bot comments on all.
	for d := 0; d < 10; d++ {
		key := pr("acme/data", "ann", d)
		who := "bob"
		if d == 3 {
			who = "cat"
		}
		f.review(key, who, "APPROVED", f.at(d, 12))
		f.review(key, "ci-bot", "COMMENTED", f.at(d, 10))
		f.review(key, "ann", "COMMENTED", f.at(d, 11)) // self-review: left out
	}
	// acme/web: reviews spread over three people, one from another team.
	for d := 0; d < 9; d++ {
		authors := []string{"dan", "eve", "fay"}
		key := pr("acme/web", authors[d%3], d)
		f.review(key, authors[(d+1)%3], "APPROVED", f.at(d, 12))
		if d%3 == 0 {
			f.review(key, "gus", "COMMENTED", f.at(d, 13))
		}
	}
	// One review on a repository nobody owns: not enough data.
	f.review(pr("acme/misc", "gus", 1), "dan", "APPROVED", f.at(1, 12))
	env := f.env(f.at(0, 0), f.at(14, 0), f.at(14, 0))
	res := runA1(t, "silo", env)
	want := []findingBrief{{analysis.Critical, "data", "repo", "acme/data"}, {analysis.Info, "data", "team", "data"}}
	if d := cmp.Diff(want, findingBriefs(res.Findings)); d != "" {
		t.Fatalf("findings (-want +got):\n%s", d)
	}
	t.Log(res.Findings[0].Summary)
	t.Log(res.Findings[1].Summary)
	if v := res.Findings[0].Evidence.Values; v["top_reviewer_share"] != 0.9 || v["bus_factor"] != 1 {
		t.Errorf("evidence %v", v)
	}
	got := map[string]float64{}
	for _, m := range res.Metrics {
		got[m.Metric+" "+m.Scope] = m.Value
	}
	for k, v := range map[string]float64{"cross_team_review_share web": 0.25, "cross_team_review_share data": 0,
		"review_bus_factor acme/web": 2, "top_reviewer_share acme/web": 0.25} {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if d := cmp.Diff([]string{"acme/misc: 1 review", "team platform: 1 review on its pull requests"}, res.NotEnoughData); d != "" {
		t.Errorf("not enough data (-want +got):\n%s", d)
	}
}

// TestSiloTeamAtReview: a review counts for the reviewer's team at the
// time it was given, not their team now.
func TestSiloTeamAtReview(t *testing.T) {
	f := newFixture(t)
	for _, p := range [][2]string{{"dan", "web"}, {"eve", "web"}, {"gus", "platform"}} {
		f.person(p[0], p[1])
	}
	f.exec("INSERT INTO team_ownership VALUES ('web', NULL, 'repo', 'acme/web')")
	for d := 0; d < 13; d++ {
		if d == 6 {
			f.moveTeam("gus", "web", f.at(d, 9))
			continue
		}
		key := fmt.Sprintf("acme/web#%d", d+1)
		f.pr(fxPR{Key: key, Author: "dan", Created: f.at(d, 9)})
		f.review(key, "gus", "APPROVED", f.at(d, 12))
	}
	env := f.env(f.at(0, 0), f.at(14, 0), f.at(14, 0))
	res := runA1(t, "silo", env)
	got := map[string]analysis.Metric{}
	for _, m := range res.Metrics {
		got[m.Metric+" "+m.Scope] = m
	}
	// Of the 12 reviews on web's pull requests, gus gave 6 as platform's.
	if m := got["cross_team_review_share web"]; m.Value != 0.5 || m.N != 12 {
		t.Errorf("web's cross-team review share %v of %d reviews, want 0.5 of 12 (gus's before his move)", m.Value, m.N)
	}
}
