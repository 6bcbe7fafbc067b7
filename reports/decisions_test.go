package reports_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/reports"
)

// TestDecisionRightsAgreeWithAnalysis: the report's decision rights are
// analysis.DecisionStats' numbers (working hours), whichever way the plan
// names the owner; a first name the report shows as a person counts that
// person as the owner too.
func TestDecisionRightsAgreeWithAnalysis(t *testing.T) {
	ctx := context.Background()
	st := newFixture(t)
	right := config.DecisionRight{ID: "release-approval", Title: "Releases", SLA: config.Duration(48 * time.Hour),
		Match: config.Match{States: []string{"Awaiting Approval"}, Projects: []string{"GROW"}}}
	env := &analysis.Env{DB: st.DB(), From: fxFrom, To: fxTo, Now: fxNow}
	for _, tc := range []struct{ name, owner string }{
		{"display name", "Carol Diaz"},
		{"person id", "carol-diaz"},
		{"first name", "carol"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := right
			r.Owners = []string{tc.owner}
			opts := fixtureOptions(t, "")
			opts.Plan = &config.Plan{Decisions: []config.DecisionRight{r}}
			rep, err := reports.Build(ctx, st, opts)
			if err != nil {
				t.Fatal(err)
			}
			stat, err := analysis.DecisionStats(ctx, env, r) // the owner as written, first name too

			if err != nil {
				t.Fatal(err)
			}
			got := rep.Plan.Decisions[0]
			type nums struct {
				Decided, Open, OpenOverSLA, WithinSLA int
				SLA, P50, P85, OwnerShare             float64
			}
			want := nums{stat.Decisions, stat.Open, stat.OpenOverSLA, stat.WithinSLA, stat.SLAHours, stat.P50Hours, stat.P85Hours, stat.OwnerShare}
			if diff := cmp.Diff(want, nums{got.Decided, got.Open, got.OpenOverSLA, got.WithinSLA, got.SLAHours, got.P50Hours, got.P85Hours, got.OwnerShare}); diff != "" {
				t.Errorf("report vs DecisionStats (-want +got):\n%s", diff)
			}
			if want := (nums{4, 1, 1, 3, 16, 8, 24, 0.75}); !cmp.Equal(want, nums{stat.Decisions, stat.Open, stat.OpenOverSLA, stat.WithinSLA, stat.SLAHours, stat.P50Hours, stat.P85Hours, stat.OwnerShare}) {
				t.Errorf("DecisionStats = %+v, want the fixture's 4 decisions of 6, 8, 24 and 8 working hours", stat)
			}
			others := 0
			for _, c := range got.Others {
				others += c.N
			}
			if others != stat.Decisions-stat.ByOwners {
				t.Errorf("others %v sum to %d, want the %d decisions not taken by the owners", got.Others, others, stat.Decisions-stat.ByOwners)
			}
			if got.WorkDayHours != 8 || got.Days(got.P85Hours) != "3.0" {
				t.Errorf("work day %vh, p85 %s working days; want 8h and 3.0", got.WorkDayHours, got.Days(got.P85Hours))
			}
		})
	}
}

// TestDecisionOwnerWithAccent: an owner written by a first name with an
// accent is the person the config named, as store.PersonID makes ids.
func TestDecisionOwnerWithAccent(t *testing.T) {
	ctx := context.Background()
	st := newFixture(t)
	sqlExec(t, st, `INSERT INTO people VALUES ('zoë-dubois', 'Zoë Dubois', NULL, false)`)
	opts := fixtureOptions(t, "")
	opts.Names = true
	opts.Plan = &config.Plan{Decisions: []config.DecisionRight{{ID: "r", Owners: []string{"Zoë"},
		Match: config.Match{States: []string{"Awaiting Approval"}}}}}
	rep, err := reports.Build(ctx, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Zoë Dubois"}, rep.Plan.Decisions[0].Owners); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
}

// TestDecisionOwnersPrivate: without --names an owner the store does not
// know may still be a person, so it shows as a pseudonym; a team shows as
// written.
func TestDecisionOwnersPrivate(t *testing.T) {
	ctx := context.Background()
	st := newFixture(t)
	opts := fixtureOptions(t, "")
	opts.Plan = &config.Plan{Decisions: []config.DecisionRight{{ID: "r", Owners: []string{"Zed Unknown", "Growth"},
		Match: config.Match{States: []string{"Awaiting Approval"}}}}}
	rep, err := reports.Build(ctx, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	owners := rep.Plan.Decisions[0].Owners
	if len(owners) != 2 || !strings.HasPrefix(owners[0], "person-") || owners[1] != "Growth" {
		t.Errorf("owners %q, want a pseudonym for Zed Unknown and Growth as written", owners)
	}
}

// TestDecisionRightsNotMeasuredWithoutFacts: without the status intervals
// (no analyze run) a decision right is unknown with the reason, not an
// error.
func TestDecisionRightsNotMeasuredWithoutFacts(t *testing.T) {
	ctx := context.Background()
	st := newFixture(t)
	sqlExec(t, st, "DROP VIEW v_status_intervals CASCADE")
	rep, err := reports.Build(ctx, st, fixtureOptions(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	d := rep.Plan.Decisions[0]
	if d.Verdict != reports.Unknown || d.NotMeasured == "" {
		t.Errorf("verdict %q, not measured %q; want unknown with a reason", d.Verdict, d.NotMeasured)
	}
}
