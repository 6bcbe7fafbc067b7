package analysis_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type waitRow struct {
	Key, Reviewer, ReviewerTeam, AuthorTeam string
	WorkHours                               float64
	Open                                    bool
}

func TestReviewWaits(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "platform")
	f.person("cat", "growth")
	f.bot("ci-bot")
	f.exec("INSERT INTO team_ownership VALUES ('platform', NULL, 'github_team', 'acme/platform')")
	// Friday 16:00 request, Monday 10:00 review: 2 working hours over a weekend.
	f.pr(fxPR{Key: "acme/api#1", Team: "platform", Author: "ann", Created: f.at(4, 15), Merged: ptr(f.at(7, 12))})
	f.request("acme/api#1", "bob", f.at(4, 16), "ann")
	f.review("acme/api#1", "bob", "APPROVED", f.at(7, 10))
	// Draft until Tuesday 11:00: the wait starts there, not at the request.
	f.pr(fxPR{Key: "acme/api#2", Team: "platform", Author: "ann", Created: f.at(0, 9), Ready: ptr(f.at(1, 11))})
	f.request("acme/api#2", "cat", f.at(0, 9), "ann")
	f.review("acme/api#2", "cat", "COMMENTED", f.at(1, 12))
	// Still waiting: measured to now (Wednesday 13:00).
	f.pr(fxPR{Key: "acme/api#3", Team: "platform", Author: "ann", Created: f.at(2, 9)})
	f.request("acme/api#3", "cat", f.at(2, 9), "ann")
	// Clock skew: the review is dated before the PR was opened; counts at the opening.
	f.pr(fxPR{Key: "acme/api#4", Team: "platform", Author: "cat", Created: f.at(0, 12)})
	f.request("acme/api#4", "team:acme/platform", f.at(0, 11), "cat")
	f.review("acme/api#4", "bob", "APPROVED", f.at(0, 10))
	// Bots are not reviewers.
	f.request("acme/api#4", "ci-bot", f.at(0, 12), "cat")
	env := f.env(f.at(-7, 0), f.at(7, 0), f.at(2, 13))
	rows, err := env.DB.Query(`SELECT key, reviewer, reviewer_team, author_team, work_hours, open
FROM v_review_waits ORDER BY key, reviewer`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []waitRow
	for rows.Next() {
		var r waitRow
		if err := rows.Scan(&r.Key, &r.Reviewer, &r.ReviewerTeam, &r.AuthorTeam, &r.WorkHours, &r.Open); err != nil {
			t.Fatal(err)
		}
		r.WorkHours = math.Round(r.WorkHours*100) / 100
		got = append(got, r)
	}
	want := []waitRow{
		{"acme/api#1", "bob", "platform", "platform", 2, false},
		{"acme/api#2", "cat", "growth", "platform", 1, false},
		{"acme/api#3", "cat", "growth", "platform", 4, true},
		{"acme/api#4", "team:acme/platform", "platform", "growth", 0, false},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("v_review_waits (-want +got):\n%s", d)
	}
}

type phaseRow struct {
	Key                       string
	Pickup, Merge             float64
	Approved, UnreviewedMerge bool
}

func TestPRPhases(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "platform")
	f.pr(fxPR{Key: "acme/api#1", Team: "platform", Author: "ann", Created: f.at(0, 9), Merged: ptr(f.at(0, 15))})
	f.review("acme/api#1", "bob", "APPROVED", f.at(0, 11))
	f.pr(fxPR{Key: "acme/api#2", Team: "platform", Author: "ann", Created: f.at(0, 9), Merged: ptr(f.at(0, 10))})
	f.review("acme/api#2", "ann", "APPROVED", f.at(0, 9.5)) // self-review does not count
	f.pr(fxPR{Key: "acme/api#3", Team: "platform", Author: "ann", Created: f.at(0, 9), Draft: true})
	env := f.env(f.at(-7, 0), f.at(7, 0), f.at(2, 13))
	rows, err := env.DB.Query(`SELECT key, coalesce(pickup_hours, -1), coalesce(merge_hours, -1), approved, unreviewed_merge
FROM v_pr_phases ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []phaseRow
	for rows.Next() {
		var r phaseRow
		if err := rows.Scan(&r.Key, &r.Pickup, &r.Merge, &r.Approved, &r.UnreviewedMerge); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []phaseRow{
		{"acme/api#1", 2, 4, true, false},
		{"acme/api#2", -1, 1, false, true},
		{"acme/api#3", -1, -1, false, false},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("v_pr_phases (-want +got):\n%s", d)
	}
}

// TestReviewWaitsTeamMove: a reviewer who moves team counts for the team
// of the time of each request, in the waits and in the bottleneck finding.
func TestReviewWaitsTeamMove(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "growth")
	f.moveTeam("bob", "platform", f.at(7, 0))
	for d := 0; d < 12; d++ {
		key := fmt.Sprintf("acme/api#%d", d+1)
		f.pr(fxPR{Key: key, Team: "platform", Author: "ann", Created: f.at(d, 9)})
		f.request(key, "bob", f.at(d, 9), "ann")
		f.review(key, "bob", "APPROVED", f.at(d+4, 9))
	}
	env := f.env(f.at(0, 0), f.at(14, 0), f.at(20, 0))
	var before, after int
	if err := env.DB.QueryRow(`SELECT count(*) FILTER (WHERE reviewer_team = 'growth'),
	count(*) FILTER (WHERE reviewer_team = 'platform') FROM v_review_waits`).Scan(&before, &after); err != nil {
		t.Fatal(err)
	}
	if before != 7 || after != 5 {
		t.Errorf("reviewer teams: %d growth, %d platform; want 7 and 5", before, after)
	}
	res := runA1(t, "approval_bottleneck", env)
	if len(res.Findings) != 1 || res.Findings[0].Team != "platform" {
		t.Errorf("findings %+v, want one on bob's current team platform", findingBriefs(res.Findings))
	}
}
