package jira

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/synth"
)

// TestSyncSynthOrganisation syncs the demo organisation of internal/synth
// (the dataset the demo serves) and checks that what the analysis needs
// arrives, and that a second sync changes nothing with few requests.
func TestSyncSynthOrganisation(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the demo organisation")
	}
	res, err := synth.Generate(filepath.Join(t.TempDir(), "data"), synth.DefaultSpec())
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, res.Dir, jiratest.Options{})
	st := openStore(t)
	var projects []string
	for _, tm := range res.Teams {
		projects = append(projects, tm.Project)
	}
	cfg := testConfig(srv.URL, projects...)
	stats := runSync(t, st, cfg, testOptions(t))
	for _, q := range []string{
		`SELECT count(*) FROM items`,
		`SELECT count(*) FROM item_events WHERE kind = 'status'`,
		`SELECT count(*) FROM item_events WHERE kind = 'flagged'`,
		`SELECT count(*) FROM sprint_items WHERE committed`,
		`SELECT count(*) FROM sprint_items WHERE completed_in_sprint`,
		`SELECT count(*) FROM links WHERE type = 'blocks'`,
		`SELECT count(*) FROM items WHERE story_points IS NOT NULL`,
	} {
		if count(t, st, q) == 0 {
			t.Errorf("%s: none", q)
		}
	}
	first := contentHash(t, st)
	srv.ResetCounts()
	runSync(t, st, cfg, testOptions(t))
	if diff := cmp.Diff(first, contentHash(t, st)); diff != "" {
		t.Errorf("second sync changed content (-first +second)\n%s", diff)
	}
	t.Logf("first sync %+v; second sync %d requests %v", stats, srv.Total(), srv.Requests())
	if srv.Total() > 6+len(res.Teams) {
		t.Errorf("second sync made %d requests", srv.Total())
	}
}
