package jira

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
)

func TestSyncCloudRealData(t *testing.T) {
	srv := startServer(t, realData(t, "cloud"), jiratest.Options{ChangelogCap: 40})
	st := openStore(t)
	stats := runSync(t, st, testConfig(srv.URL, "EE"), testOptions(t))
	t.Logf("stats %+v requests %v", stats, srv.Requests())
	got := map[string]int{
		"items":        count(t, st, `SELECT count(*) FROM items`),
		"events":       count(t, st, `SELECT count(*) FROM item_events`),
		"sprints":      count(t, st, `SELECT count(*) FROM sprints`),
		"sprint_items": count(t, st, `SELECT count(*) FROM sprint_items`),
		"statuses":     count(t, st, `SELECT count(*) FROM statuses`),
		"old search":   srv.Requests()["/rest/api/2/search"],
	}
	want := map[string]int{"items": 33, "events": 993, "sprints": 29, "sprint_items": 43, "statuses": 53, "old search": 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}
