package privacy_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/store"
)

func TestPseudonymsAreStable(t *testing.T) {
	ids := []string{"alice", "bob", "carol", "bob", ""}
	a := privacy.New("s", ids)
	b := privacy.New("s", []string{"carol", "alice", "bob"})
	got := map[string]string{}
	for _, id := range []string{"alice", "bob", "carol"} {
		got[id] = a.Name(id)
		if b.Name(id) != a.Name(id) {
			t.Errorf("%s: %s in one order, %s in another", id, a.Name(id), b.Name(id))
		}
	}
	seen := map[string]bool{}
	for _, n := range got {
		seen[n] = true
	}
	want := map[string]bool{"person-1": true, "person-2": true, "person-3": true}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("pseudonyms (-want +got):\n%s", diff)
	}
}

func TestPassThroughAndUnknown(t *testing.T) {
	p := privacy.New("s", []string{"alice"})
	tests := []struct{ in, want string }{
		{"", ""},
		{"team:platform", "team:platform"},
		{"alice", "person-1"},
	}
	for _, tt := range tests {
		if got := p.Name(tt.in); got != tt.want {
			t.Errorf("Name(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if u := p.Name("zed"); u == "zed" || u != p.Name("zed") || len(u) != len("person-")+6 {
		t.Errorf("unknown id pseudonym %q", u)
	}
	if privacy.New("other", []string{"zed"}).Name("zed") != "person-1" {
		t.Error("salt changes numbering only, not the count")
	}
}

func TestFromDBAliases(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, q := range []string{
		`INSERT INTO people VALUES ('alice-martin', 'Alice Martin', 'alice@acme.test', false)`,
		`INSERT INTO identities VALUES
			('j/5b10ac8d82e05b22cc7d4ef5', 'j', '5b10ac8d82e05b22cc7d4ef5', NULL, 'alice@acme.test', 'Alice M', false, true, 'alice-martin'),
			('gh/3', 'gh', '3', 'alice-m', NULL, NULL, false, true, 'alice-martin'),
			('gh/9', 'gh', '9', 'renovate[bot]', NULL, NULL, true, true, NULL)`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	p, err := privacy.FromDB(ctx, st.DB(), "")
	if err != nil {
		t.Fatal(err)
	}
	alice := p.Name("alice-martin")
	for _, alias := range []string{"j/5b10ac8d82e05b22cc7d4ef5", "5b10ac8d82e05b22cc7d4ef5", "gh/3", "alice-m", "Alice M", "Alice Martin", "alice@acme.test"} {
		if got := p.Name(alias); got != alice {
			t.Errorf("Name(%q) = %s, want %s (alice-martin)", alias, got, alice)
		}
	}
	if p.Known("3") {
		t.Error("a numeric external id is an alias: it could be a status id")
	}
	if p.Name("gh/9") == alice || !p.Known("gh/9") {
		t.Error("the bot identity is not a person of its own")
	}
}
