package analysis_test

import "testing"

func TestFixtureBuildsAStore(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.person("bob", "growth")
	f.bot("ci-bot")
	f.moveTeam("bob", "platform", f.at(3, 0))
	f.statuses("To Do", "new", "In Progress", "indeterminate", "Done", "done")
	f.issue(fxIssue{Key: "PLAT-1", Team: "platform", Assignee: "ann", Status: "In Progress", Created: f.at(0, 10)})
	f.status("PLAT-1", f.at(1, 10), "To Do", "In Progress", "ann")
	f.pr(fxPR{Key: "acme/api#1", Team: "platform", Author: "ann", Created: f.at(0, 9)})
	f.request("acme/api#1", "bob", f.at(0, 9), "ann")
	f.review("acme/api#1", "bob", "APPROVED", f.at(0, 15))
	env := f.env(f.at(-7, 0), f.at(7, 0), f.at(5, 0))
	var people, items int
	if err := env.DB.QueryRow("SELECT count(*) FROM v_people WHERE NOT is_bot").Scan(&people); err != nil {
		t.Fatal(err)
	}
	if err := env.DB.QueryRow("SELECT count(*) FROM v_items WHERE assignee = 'ann' OR reporter = 'ann'").Scan(&items); err != nil {
		t.Fatal(err)
	}
	if people != 2 || items != 2 {
		t.Errorf("people %d items %d, want 2 and 2", people, items)
	}
}
