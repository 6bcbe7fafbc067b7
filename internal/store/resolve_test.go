package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/store"
)

func TestResolve(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	page(t, s, []store.Row{
		store.Source{Name: "jira", Kind: "jira"},
		store.Source{Name: "gh", Kind: "github"},
		store.Identity{Source: "jira", ExternalID: "5b10", DisplayName: "Alice M", Email: "Alice@acme.com"},
		store.Identity{Source: "gh", ExternalID: "101", Login: "alice-m"},
		store.Identity{Source: "gh", ExternalID: "102", Login: "bob"},
		store.Identity{Source: "jira", ExternalID: "77", DisplayName: "Bob", Email: "bob@acme.com"},
		store.Identity{Source: "gh", ExternalID: "103", Login: "carol", Email: "bob@acme.com"},
		store.Item{ItemID: "jira:1", Source: "jira", Kind: "issue", Key: "PLAT-1", Container: "PLAT"},
		store.Item{ItemID: "jira:2", Source: "jira", Kind: "issue", Key: "OPS-1", Container: "OPS", AssigneeID: "gh/102"},
		store.Item{ItemID: "gh:x/y#1", Source: "gh", Kind: "pull_request", Key: "x/y#1", Container: "x/y"},
		store.PullRequest{ItemID: "gh:x/y#1", Repo: "x/y", Number: 1, AuthorID: "gh/101"},
		store.Item{ItemID: "jira:3", Source: "jira", Kind: "issue", Key: "NONE-1", Container: "NONE"},
	}, "")
	org := store.Org{
		People: []store.Person{{Name: "Alice Martin", IDs: []string{"alice@acme.com", "github:alice-m"}}},
		Teams: []store.Team{
			{Name: "platform", Members: []string{"Alice Martin"}, Projects: []string{"PLAT"}},
			{Name: "ops", Members: []string{"bob"}},
		},
	}
	for range 2 { // idempotent
		if err := s.Resolve(ctx, org); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	rows, err := s.DB().Query(`SELECT identity_id, person_id FROM identities`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, p string
		rows.Scan(&id, &p)
		got[id] = p
	}
	want := map[string]string{
		"jira/5b10": "alice-martin", "gh/101": "alice-martin", // declared person, by email and by github login
		"gh/102":  "gh/102",                                 // unmatched: its own identity
		"jira/77": "bob@acme.com", "gh/103": "bob@acme.com", // same email merges across sources
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("person ids (-want +got):\n%s", diff)
	}
	teams := map[string]string{}
	rows, err = s.DB().Query(`SELECT key, coalesce(team, '') FROM items`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, team string
		rows.Scan(&k, &team)
		teams[k] = team
	}
	wantTeams := map[string]string{"PLAT-1": "platform", "OPS-1": "ops", "x/y#1": "platform", "NONE-1": ""}
	if diff := cmp.Diff(wantTeams, teams); diff != "" {
		t.Errorf("item teams (-want +got):\n%s", diff)
	}
}

func TestPersonID(t *testing.T) {
	for in, want := range map[string]string{"Alice Martin": "alice-martin", "  Zoë O'Neil ": "zoë-o-neil", "bob": "bob"} {
		if got := store.PersonID(in); got != want {
			t.Errorf("PersonID(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPseudonymNumbersStay: a person who joins later gets the next number;
// nobody else's number moves.
func TestPseudonymNumbersStay(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	numbers := func() map[string]int {
		got := map[string]int{}
		rows, err := s.DB().Query(`SELECT person_id, n FROM pseudonyms`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var n int
			rows.Scan(&id, &n)
			got[id] = n
		}
		return got
	}
	var rows []store.Row
	for _, id := range []string{"a", "b", "c", "d"} {
		rows = append(rows, store.Identity{Source: "gh", ExternalID: id, Login: id})
	}
	page(t, s, rows, "")
	if err := s.Resolve(ctx, store.Org{Salt: "x"}); err != nil {
		t.Fatal(err)
	}
	before := numbers()
	page(t, s, []store.Row{store.Identity{Source: "gh", ExternalID: "0", Login: "zero"}}, "")
	if err := s.Resolve(ctx, store.Org{Salt: "x"}); err != nil {
		t.Fatal(err)
	}
	after := numbers()
	for id, n := range before {
		if after[id] != n {
			t.Errorf("%s moved from person-%d to person-%d", id, n, after[id])
		}
	}
	if got := after["gh/0"]; got != 5 {
		t.Errorf("newcomer got person-%d, want person-5", got)
	}
}
