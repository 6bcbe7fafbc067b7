package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/reports"
)

// TestSprintUnderWayIsNotEnded: GROW Sprint 22 was planned to end on
// October 30 and nobody completed it by the end of October. It is not a
// sprint that ended with 0 of 8 completed: it is in progress, 2 days past
// its planned end, with 3 of its 9 items done so far, in JSON, Markdown
// and HTML alike.
func TestSprintUnderWayIsNotEnded(t *testing.T) {
	st := newFixture(t)
	sqlExec(t, st, `UPDATE sprints SET end_at = '2026-10-30 09:00:00+00' WHERE name = 'GROW Sprint 22'`)
	dir := t.TempDir()
	res, err := reports.Generate(context.Background(), st, fixtureOptions(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	in := res.Report.Interaction
	for _, s := range in.Sprints {
		if s.Sprint == "GROW Sprint 22" {
			t.Errorf("GROW Sprint 22 is listed as ended: %+v", s)
		}
	}
	want := []reports.SprintUnderWay{{Team: "growth", Sprint: "GROW Sprint 22", Start: "2026-10-19", End: "2026-10-30",
		Committed: 8, Added: 1, InSprint: 9, Done: 3, CommittedDone: 2, DaysLeft: -2}}
	if diff := cmp.Diff(want, in.SprintsUnderWay); diff != "" {
		t.Errorf("sprints under way (-want +got):\n%s", diff)
	}
	for _, name := range []string{"report.md", "report.html"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"Sprints in progress", "3 of 9 done (2 of 8 committed)", "2 days past its planned end"} {
			if !strings.Contains(string(b), s) {
				t.Errorf("%s does not say %q", name, s)
			}
		}
	}
}
