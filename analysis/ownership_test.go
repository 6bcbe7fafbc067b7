package analysis_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/analysis"
)

func TestOwnershipGap(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "web")
	f.bot("dep-bot")
	f.statuses("To Do", "new", "In Progress", "indeterminate", "Done", "done")
	// platform: four issues in progress, two of them with nobody assigned,
	// and two merged pull requests, one never reviewed: 3 gaps of 6.
	for i := 1; i <= 4; i++ {
		key := fmt.Sprintf("PLAT-%d", i)
		who := "ann"
		if i > 2 {
			who = ""
		}
		f.issue(fxIssue{Key: key, Team: "platform", Assignee: who, Status: "In Progress", Created: f.at(0, 9)})
		f.status(key, f.at(1, 9), "To Do", "In Progress", "ann")
	}
	f.pr(fxPR{Key: "acme/api#1", Team: "platform", Author: "ann", Created: f.at(1, 9), Merged: ptr(f.at(1, 12))})
	f.pr(fxPR{Key: "acme/api#2", Team: "platform", Author: "ann", Created: f.at(1, 9), Merged: ptr(f.at(1, 12))})
	f.review("acme/api#2", "bob", "APPROVED", f.at(1, 10))
	// A bot's unreviewed merge does not count.
	f.pr(fxPR{Key: "acme/api#3", Team: "platform", Author: "dep-bot", Created: f.at(1, 9), Merged: ptr(f.at(1, 12))})
	// web: everything owned and reviewed.
	for i := 1; i <= 5; i++ {
		key := fmt.Sprintf("acme/web#%d", i)
		f.pr(fxPR{Key: key, Team: "web", Author: "bob", Created: f.at(2, 9), Merged: ptr(f.at(2, 15))})
		f.review(key, "ann", "APPROVED", f.at(2, 11))
	}
	// One issue no team owns.
	f.issue(fxIssue{Key: "MISC-1", Assignee: "ann", Status: "In Progress", Created: f.at(0, 9)})
	f.status("MISC-1", f.at(1, 9), "To Do", "In Progress", "ann")
	env := f.env(f.at(0, 0), f.at(7, 0), f.at(7, 0))
	res := runA1(t, "ownership_gap", env)
	want := []findingBrief{{analysis.Info, "", "team", "unowned"}, {analysis.Critical, "platform", "team", "platform"}}
	if d := cmp.Diff(want, findingBriefs(res.Findings)); d != "" {
		t.Fatalf("findings (-want +got):\n%s", d)
	}
	t.Log(res.Findings[1].Summary)
	if got := evidenceKeysA1(res.Findings[1]); !cmp.Equal(got, []string{"PLAT-3", "PLAT-4", "acme/api#1"}) {
		t.Errorf("evidence keys %v", got)
	}
}

func TestOwnershipGapNoData(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.pr(fxPR{Key: "acme/api#1", Team: "platform", Author: "ann", Created: f.at(1, 9), Merged: ptr(f.at(1, 12))})
	env := f.env(f.at(0, 0), f.at(7, 0), f.at(7, 0))
	res := runA1(t, "ownership_gap", env)
	if len(res.Findings) != 0 || len(res.NotEnoughData) != 1 {
		t.Errorf("one unreviewed merge: got %+v, want only not-enough-data", res)
	}
}

func evidenceKeysA1(f analysis.Finding) []string {
	var keys []string
	for _, it := range f.Evidence.Items {
		keys = append(keys, it.Key)
	}
	return keys
}
