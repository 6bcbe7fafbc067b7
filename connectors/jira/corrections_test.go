package jira

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/store"
)

func TestStoryPointsFromStrings(t *testing.T) {
	tests := []struct {
		raw  string
		want float64
		ok   bool
	}{
		{`5`, 5, true}, {`3.5`, 3.5, true}, {`"3.5"`, 3.5, true}, {`"-1"`, -1, true}, {`" 8 "`, 8, true},
		{`null`, 0, false}, {`"many"`, 0, false}, {`"NaN"`, 0, false}, {`{"value":3}`, 0, false}, {``, 0, false},
	}
	for _, tt := range tests {
		got, ok := numberValue(json.RawMessage(tt.raw))
		if got != tt.want || ok != tt.ok {
			t.Errorf("numberValue(%s) = %v %v, want %v %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

// TestResolvedFromDoneEntryOnly checks when an issue without a resolution
// date gets one from its history: only in a done-category status, at its
// last entry into a status of that category (by id, never by name).
func TestResolvedFromDoneEntryOnly(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	c := &converter{statuses: map[string]string{"1": "new", "3": "indeterminate", "7": "indeterminate", "10001": "done"}}
	st := func(h int, from, to, toName string) history {
		return history{ID: from + to, at: at(h), Items: []change{{Field: "status", From: from, To: to, ToString: toName}}}
	}
	tests := []struct {
		name    string
		hs      []history
		current string
		want    *time.Time
	}{
		{"entered done", []history{st(1, "1", "3", "In Progress"), st(2, "3", "10001", "Done")}, "10001", ptrTime(at(2))},
		{"done, reopened, done again", []history{st(1, "3", "10001", "Done"), st(2, "10001", "3", "In Progress"), st(3, "3", "10001", "Done")}, "10001", ptrTime(at(3))},
		// "Done" by name but not in the done category: not a resolution.
		{"last move into a status named Done of another category", []history{st(1, "3", "10001", "Done"), st(2, "10001", "7", "Done")}, "10001", ptrTime(at(1))},
		{"no entry into done recorded", []history{st(1, "1", "3", "In Progress")}, "10001", nil},
		{"current status unknown to the list", []history{st(1, "3", "99", "Shipped")}, "99", ptrTime(at(1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, c.lastDoneEntry(tt.hs, tt.current)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

// TestRemovedBeforeCompletionNotCompleted checks that an issue resolved in
// a sprint but taken out of it before the sprint completed is not counted
// as completed in it (Jira's sprint report lists it as removed).
func TestRemovedBeforeCompletionNotCompleted(t *testing.T) {
	st := openStore(t)
	at := func(d int) *time.Time { t := time.Date(2026, 1, d, 12, 0, 0, 0, time.UTC); return &t }
	rows := []store.Row{
		store.Sprint{SprintID: "j:1", Source: "j", Name: "S1", State: "closed", StartAt: at(1), EndAt: at(14), CompleteAt: at(14)},
		store.Item{ItemID: "j:a", Source: "j", Kind: "issue", Key: "A-1", CreatedAt: at(1), ResolvedAt: at(5)}, // stays
		store.Item{ItemID: "j:b", Source: "j", Kind: "issue", Key: "A-2", CreatedAt: at(1), ResolvedAt: at(5)}, // removed on day 8
		store.Item{ItemID: "j:c", Source: "j", Kind: "issue", Key: "A-3", CreatedAt: at(1), ResolvedAt: at(9)}, // removed on day 8, resolved later
		store.SprintItem{SprintID: "j:1", ItemID: "j:a", AddedAt: at(1)},
		store.SprintItem{SprintID: "j:1", ItemID: "j:b", AddedAt: at(1), RemovedAt: at(8)},
		store.SprintItem{SprintID: "j:1", ItemID: "j:c", AddedAt: at(1), RemovedAt: at(8)},
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
	if _, err := tx.Exec(sprintCommitment, "j"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	r, err := st.DB().Query(`SELECT item_id, completed_in_sprint FROM sprint_items`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var id string
		var done bool
		if err := r.Scan(&id, &done); err != nil {
			t.Fatal(err)
		}
		got[id] = done
	}
	if want := map[string]bool{"j:a": true, "j:b": false, "j:c": false}; !cmp.Equal(want, got) {
		t.Errorf("completed_in_sprint = %v, want %v", got, want)
	}
}
