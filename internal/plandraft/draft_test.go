package plandraft_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/plandraft"
	"github.com/systemic-dev/systemic/internal/store"
)

func exec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.DB().Exec(q, args...); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

// TestBuild drafts from a small store: an open epic with work and a done
// one long ago, a blocks link across teams and one within a team, moves
// out of a decision status by a person and by a bot, and work of a team
// the config does not know.
func TestBuild(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	exec(t, st, `INSERT INTO items (item_id, source, kind, key, container, title, status_category, team, epic_key, created_at, updated_at, resolved_at) VALUES
	('j:1', 'j', 'epic', 'GROW-1', 'GROW', 'Self-serve "onboarding"', 'indeterminate', 'growth', NULL, '2026-08-01', '2026-10-01', NULL),
	('j:2', 'j', 'issue', 'GROW-2', 'GROW', 'Signup form', 'new', 'growth', 'GROW-1', '2026-08-02', '2026-10-02', NULL),
	('j:3', 'j', 'epic', 'GROW-3', 'GROW', 'Old epic', 'done', 'growth', NULL, '2025-01-01', '2025-03-01', '2025-03-01'),
	('j:4', 'j', 'issue', 'GROW-4', 'GROW', 'Old work', 'done', 'growth', 'GROW-3', '2025-01-02', '2025-03-01', '2025-03-01'),
	('j:5', 'j', 'issue', 'DATA-5', 'DATA', 'Event schema', 'indeterminate', 'data', NULL, '2026-09-01', '2026-10-20', NULL),
	('j:6', 'j', 'issue', 'DATA-6', 'DATA', 'Other', 'indeterminate', 'data', NULL, '2026-09-01', '2026-10-20', NULL),
	('j:7', 'j', 'issue', 'PAY-7', 'PAY', 'Refunds', 'done', 'payments', NULL, '2026-09-01', '2026-10-30', '2026-10-30'),
	('j:8', 'j', 'epic', 'X-8', 'X', 'Unknown team', 'indeterminate', 'strangers', NULL, '2026-09-01', '2026-10-01', NULL),
	('j:9', 'j', 'issue', 'X-9', 'X', 'Unknown team work', 'new', 'strangers', 'X-8', '2026-09-01', '2026-10-01', NULL)`)
	exec(t, st, `INSERT INTO links (from_item, to_item, type, created_at) VALUES
	('j:5', 'j:2', 'blocks', '2026-09-10'), ('j:6', 'j:5', 'blocks', '2026-09-10')`)
	exec(t, st, `INSERT INTO identities (identity_id, source, external_id, display_name, is_bot, person_id) VALUES
	('j/a', 'j', 'a', 'Dmitri Moreau', false, 'dmitri-moreau'), ('j/b', 'j', 'b', 'Automation', true, 'automation')`)
	exec(t, st, `INSERT INTO people (person_id, display_name) VALUES ('dmitri-moreau', 'Dmitri Moreau')`)
	exec(t, st, `INSERT INTO item_events (event_id, item_id, occurred_at, actor_id, kind, field, from_value, to_value) VALUES
	('e1', 'j:7', '2026-10-10', 'j/a', 'status', 'status', 'Awaiting Approval', 'In Progress'),
	('e2', 'j:7', '2026-10-12', 'j/b', 'status', 'status', 'Legal sign-off', 'Done'),
	('e3', 'j:7', '2026-10-13', 'j/a', 'status', 'status', 'In Progress', 'Done')`)

	th := config.Thresholds{ReviewPickup: config.Duration(24 * time.Hour), WIPPerPerson: 3, BlockedMax: config.Duration(48 * time.Hour),
		DecisionSLA: config.Duration(48 * time.Hour), CarryOver: 1}
	d, err := plandraft.Build(ctx, st.DB(), plandraft.Options{Teams: []string{"growth", "data", "payments"}, Thresholds: th,
		DecisionStates: []string{"Awaiting Approval"}})
	if err != nil {
		t.Fatal(err)
	}
	keys := func(es []plandraft.Entry) string {
		var ks []string
		for _, e := range es {
			ks = append(ks, e.Key)
		}
		return strings.Join(ks, "; ")
	}
	if got := keys(d.Goals); got != "epic GROW-1" {
		t.Errorf("goals %q, want the open epic of a known team only", got)
	}
	if got := keys(d.Dependencies); got != "data -> growth" {
		t.Errorf("dependencies %q, want the cross-team link only", got)
	}
	if got := keys(d.Decisions); got != "Awaiting Approval | PAY" {
		t.Errorf("decisions %q, want the state a person moved items out of (the bot's sign-off has no owner)", got)
	}
	if len(d.Agreements) != 5 {
		t.Errorf("%d agreements, want one per measurable metric", len(d.Agreements))
	}
	plan, err := config.ParsePlan("plan.yaml", d.YAML(), []string{"growth", "data", "payments"})
	if err != nil {
		t.Fatalf("the draft does not validate: %v\n%s", err, d.YAML())
	}
	if plan.Decisions[0].Owners[0] != "Dmitri Moreau" || plan.Goals[0].Title != `Self-serve "onboarding"` {
		t.Errorf("owner %q, goal title %q", plan.Decisions[0].Owners[0], plan.Goals[0].Title)
	}
	if !strings.Contains(string(d.YAML()), "# from epic GROW-1 (1 item, 1 open)") {
		t.Errorf("the goal does not say where it came from:\n%s", d.YAML())
	}
}

// TestBuildEmptyStore says what to do instead of drafting nothing.
func TestBuildEmptyStore(t *testing.T) {
	st, err := store.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = plandraft.Build(context.Background(), st.DB(), plandraft.Options{})
	if err == nil || !strings.Contains(err.Error(), "systemic sync") {
		t.Errorf("err = %v, want one that says to sync first", err)
	}
}
