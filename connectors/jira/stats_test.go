package jira

import (
	"testing"

	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
)

// TestStatsCountWhatIsStored checks that the counts a sync reports are the
// distinct rows it stored: a restarted (keyset) search returns the last
// issues of the previous page again, and those were counted twice (sync
// printed 631 items while the store held 625).
func TestStatsCountWhatIsStored(t *testing.T) {
	for _, cloud := range []bool{true, false} {
		t.Run(map[bool]string{true: "cloud", false: "datacenter"}[cloud], func(t *testing.T) {
			dir := writeDataset(t, t.TempDir(), genSpec{Issues: 450, Histories: 3, Cloud: cloud, Seed: 17})
			srv := startServer(t, dir, jiratest.Options{})
			st := openStore(t)
			stats := runSync(t, st, testConfig(srv.URL, "PLAT", "APP"), testOptions(t))
			items := count(t, st, `SELECT count(*) FROM items WHERE source = 'jira'`)
			events := count(t, st, `SELECT count(*) FROM item_events e JOIN items i USING (item_id) WHERE i.source = 'jira'`)
			if stats.Items != items || stats.Events != events {
				t.Errorf("stats say %d items and %d events; the store holds %d and %d", stats.Items, stats.Events, items, events)
			}
		})
	}
}
