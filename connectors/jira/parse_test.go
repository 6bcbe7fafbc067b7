package jira

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

func TestParseDCSprint(t *testing.T) {
	const prefix = "com.atlassian.greenhopper.service.sprint.Sprint@4f6c1d2a"
	tests := []struct {
		name, in string
		want     sprint
	}{
		{"plain", prefix + "[id=12,rapidViewId=3,state=CLOSED,name=Team Sprint 4,startDate=2023-01-09T09:00:00.000Z,endDate=2023-01-23T09:00:00.000Z,completeDate=<null>,sequence=12,goal=]",
			sprint{ID: 12, BoardID: 3, State: "CLOSED", Name: "Team Sprint 4", StartDate: "2023-01-09T09:00:00.000Z", EndDate: "2023-01-23T09:00:00.000Z"}},
		{"commas in name and goal", prefix + "[id=13,rapidViewId=3,state=ACTIVE,name=Sprint 5, Platform,startDate=<null>,endDate=<null>,completeDate=<null>,sequence=13,goal=Ship SSO, then billing]",
			sprint{ID: 13, BoardID: 3, State: "ACTIVE", Name: "Sprint 5, Platform", Goal: "Ship SSO, then billing"}},
		{"not a sprint", "garbage", sprint{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, parseDCSprint(tt.in)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestLinkPhrase(t *testing.T) {
	tests := []struct {
		text, key, typ string
		outward        bool
	}{
		{"This issue blocks DZFNK0168-22", "DZFNK0168-22", "blocks", true},
		{"This issue is blocked by DZFNK0168-5", "DZFNK0168-5", "blocks", false},
		{"This issue is duplicated by IP8CUD168-35305", "IP8CUD168-35305", "duplicates", false},
		{"This issue clones M2VRIQ168-12954", "M2VRIQ168-12954", "clones", true},
		{"This issue relates to DZFNK0168-21", "DZFNK0168-21", "relates", true},
		{"This issue is reviewed by PLAT-9", "PLAT-9", "is reviewed by", true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			typ, outward := linkPhrase(tt.text, tt.key)
			if typ != tt.typ || outward != tt.outward {
				t.Errorf("linkPhrase = %q %v, want %q %v", typ, outward, tt.typ, tt.outward)
			}
		})
	}
}

func TestLinkType(t *testing.T) {
	tests := []struct{ name, outward, want string }{
		{"Blocks", "blocks", "blocks"},
		{"Duplicate", "duplicates", "duplicates"},
		{"Cloners", "clones", "clones"},
		{"Relates", "relates to", "relates"},
		{"Dependency", "depends on", "dependency"},
	}
	for _, tt := range tests {
		if got := linkType(tt.name, tt.outward); got != tt.want {
			t.Errorf("linkType(%q, %q) = %q, want %q", tt.name, tt.outward, got, tt.want)
		}
	}
}

func TestJQL(t *testing.T) {
	since := time.Date(2026, 1, 2, 10, 4, 59, 0, time.UTC)
	tests := []struct {
		name string
		cfg  config.Source
		from time.Time
		want string
	}{
		{"projects", config.Source{Projects: []string{"PLAT", "APP"}}, time.Time{}, `project in ("PLAT", "APP") ORDER BY updated ASC`},
		{"projects since", config.Source{Projects: []string{"PLAT"}}, since, `project in ("PLAT") AND updated >= "2026/01/02 10:04" ORDER BY updated ASC`},
		{"own order dropped", config.Source{JQL: "project = PLAT ORDER BY rank"}, time.Time{}, `project = PLAT ORDER BY updated ASC`},
		{"or wrapped", config.Source{JQL: "project = A or project = B"}, since, `(project = A or project = B) AND updated >= "2026/01/02 10:04" ORDER BY updated ASC`},
		{"|| wrapped", config.Source{JQL: "project = A || project = B"}, since, `(project = A || project = B) AND updated >= "2026/01/02 10:04" ORDER BY updated ASC`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (&Source{cfg: tt.cfg}).jql(tt.from, time.UTC); got != tt.want {
				t.Errorf("jql = %s\nwant  %s", got, tt.want)
			}
		})
	}
}

func TestExternalID(t *testing.T) {
	tests := []struct {
		name string
		u    user
		want string
	}{
		{"cloud", user{AccountID: "5e97", Name: "x"}, "5e97"},
		{"data center key", user{Key: "JIRAUSER10100", Name: "alice"}, "JIRAUSER10100"},
		{"data center name", user{Name: "admin"}, "admin"},
		{"deactivated cloud", user{Self: "https://x.atlassian.net/rest/api/3/user?accountId=5fb48fe2"}, "5fb48fe2"},
	}
	for _, tt := range tests {
		if got := tt.u.externalID(); got != tt.want {
			t.Errorf("%s: externalID = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  config.Source
		want string
	}{
		{"no url", config.Source{Name: "j", Projects: []string{"A"}}, "url is empty"},
		{"no scope", config.Source{Name: "j", URL: "https://x"}, "set jql or projects"},
		{"bad deployment", config.Source{Name: "j", URL: "https://x", Projects: []string{"A"}, Deployment: "onprem"}, "deployment"},
		{"email without token", config.Source{Name: "j", URL: "https://x", Projects: []string{"A"}, Auth: config.Auth{Email: "a@b"}}, "auth.email and auth.token"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	if got := redactURL("https://bob:secret@jira.example.com/x"); got != "https://bob:xxxxx@jira.example.com/x" {
		t.Errorf("redactURL = %s", got)
	}
}

func TestLinkHistory(t *testing.T) {
	st := openStore(t)
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }
	link := func(id, item string, h int, from, to, fromText, toText string) store.Event {
		return store.Event{EventID: id, ItemID: item, OccurredAt: at(h), Kind: "link", FromID: from, ToID: to, FromValue: fromText, ToValue: toText}
	}
	rows := []store.Row{
		store.Item{ItemID: "j:1", Source: "j", Kind: "issue", Key: "A-1"},
		store.Item{ItemID: "j:2", Source: "j", Kind: "issue", Key: "A-2"},
		store.Item{ItemID: "j:3", Source: "j", Kind: "issue", Key: "B-3"},
		// A-3 moved to B-3: older history still names A-3.
		store.Event{EventID: "k", ItemID: "j:3", OccurredAt: at(1), Kind: "key", FromValue: "A-3", ToValue: "B-3"},
		// A-1 blocks A-2, recorded on both ends; A-2's record is older.
		link("e1", "j:1", 5, "", "A-2", "", "This issue blocks A-2"),
		link("e2", "j:2", 4, "", "A-1", "", "This issue is blocked by A-1"),
		// A-2 relates to A-3 (now B-3), removed, added again, removed again.
		link("e3", "j:2", 2, "", "A-3", "", "This issue relates to A-3"),
		link("e4", "j:2", 3, "A-3", "", "This issue relates to A-3", ""),
		link("e5", "j:2", 6, "", "A-3", "", "This issue relates to A-3"),
		link("e6", "j:2", 7, "A-3", "", "This issue relates to A-3", ""),
		// A link to an issue never synced is skipped.
		link("e7", "j:1", 8, "", "X-9", "", "This issue blocks X-9"),
	}
	tx, err := st.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := tx.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := linkHistory(context.Background(), st, "j")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Link{
		{FromItem: "j:1", ToItem: "j:2", Type: "blocks", CreatedAt: ptr(at(4))},
		{FromItem: "j:2", ToItem: "j:3", Type: "relates", CreatedAt: ptr(at(2)), RemovedAt: ptr(at(7))},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got)\n%s", diff)
	}
}
