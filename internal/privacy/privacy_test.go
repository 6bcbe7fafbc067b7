package privacy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/internal/privacy"
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
