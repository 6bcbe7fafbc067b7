package analysis_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// TestEnsureReusesUnchangedWindows: the six closed months of a health
// trend on a synced synthetic organisation are reused after a sync that
// only brings later work, with the findings and metrics a fresh analysis
// computes, and analysed again from the first month whose inputs a change
// touches: an event inside a month, an item's team, the config.
func TestEnsureReusesUnchangedWindows(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs a synthetic organisation")
	}
	ctx := context.Background()
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 7, 8
	org, err := demoorg.StartSynced(ctx, t.TempDir(), spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	st, cfg := org.Store, org.Cfg
	var months []analysis.Env
	for m := spec.End.AddDate(0, -6, 0); m.Before(spec.End); m = m.AddDate(0, 1, 0) {
		months = append(months, analysis.Env{Thresholds: cfg.Thresholds, States: cfg.States, Calendar: cfg.Calendar,
			From: m, To: m.AddDate(0, 1, 0), Now: spec.End})
	}
	hash := analysis.Hash(cfg)
	// ensure analyses the months oldest first, as a report does, and
	// returns those analysed again.
	ensure := func(t *testing.T) []int {
		t.Helper()
		var analysed []int
		for i, env := range months {
			run, err := analysis.Ensure(ctx, st, analysis.Options{Env: env, ConfigHash: hash})
			if err != nil {
				t.Fatal(err)
			}
			if !run.Cached {
				analysed = append(analysed, i)
				t.Logf("analysed %s: %s", run.ID, run.Why)
			}
		}
		return analysed
	}
	exec := func(t *testing.T, q string, args ...any) {
		t.Helper()
		if _, err := st.DB().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	if got := ensure(t); len(got) != 6 {
		t.Fatalf("first report analysed months %v, want all six", got)
	}
	if got := ensure(t); len(got) != 0 {
		t.Fatalf("an unchanged store analysed months %v again", got)
	}

	// A sync of the next day: new work, with its events, reviews and
	// comments, and what a sync touches besides.
	next := spec.End.Add(9 * time.Hour)
	exec(t, `INSERT INTO items (item_id, source, kind, key, container, type, status, status_category, team, created_at, updated_at)
	SELECT 'new:' || i, source, kind, 'NEW-' || i, container, type, 'In Progress', 'indeterminate', team, $1, $1
	FROM (SELECT *, row_number() OVER (ORDER BY item_id) AS i FROM items) WHERE i <= 20`, next)
	exec(t, `INSERT INTO item_events SELECT 'new:ev' || e.i, 'new:' || e.i, $1 + INTERVAL 1 HOUR, NULL, 'status', 'status',
	'To Do', 'In Progress', NULL, NULL FROM (SELECT range + 1 AS i FROM range(20)) e`, next)
	exec(t, `INSERT INTO reviews VALUES ('new:r1', 'new:1', NULL, 'APPROVED', $1 + INTERVAL 2 HOUR)`, next)
	exec(t, `INSERT INTO comments VALUES ('new:c1', 'new:2', NULL, $1 + INTERVAL 3 HOUR, 'comment')`, next)
	exec(t, `UPDATE items SET updated_at = $1`, next)
	exec(t, `UPDATE sources SET last_sync_at = $1, last_attempt_at = $1`, next)
	exec(t, `UPDATE sync_state SET cursor = coalesce(cursor, '') || '+1', updated_at = $1`, next)
	if got := ensure(t); len(got) != 0 {
		t.Fatalf("a sync of later work analysed months %v again, want none", got)
	}
	// What was reused is what a fresh analysis computes now.
	for _, env := range months {
		id := analysis.RunID(env.From, env.To)
		cached := runRows(t, st, id)
		if _, err := analysis.Analyze(ctx, st, analysis.Options{Env: env, ConfigHash: hash}); err != nil {
			t.Fatal(err)
		}
		if fresh := runRows(t, st, id); !slices.Equal(cached, fresh) {
			t.Errorf("%s: the reused run differs from a fresh analysis:\nreused %v\nfresh  %v", id, cached, fresh)
		}
		if len(cached) == 0 {
			t.Errorf("%s: no findings or metrics: the comparison proves nothing", id)
		}
	}

	// createdIn picks an item created in month i (with an event in it).
	createdIn := func(t *testing.T, i int) string {
		t.Helper()
		var id string
		err := st.DB().QueryRow(`SELECT item_id FROM items JOIN item_events USING (item_id)
	WHERE created_at >= $1 AND created_at < $2 AND occurred_at < $2 AND item_events.kind = 'status' AND team IS NOT NULL
	ORDER BY item_id LIMIT 1`, months[i].From, months[i].To).Scan(&id)
		if err != nil {
			t.Fatalf("no item created in %s: %v", months[i].From.Format("2006-01"), err)
		}
		return id
	}
	tests := []struct {
		name   string
		change func(t *testing.T)
		want   []int
	}{
		{"an event inside a month", func(t *testing.T) {
			exec(t, `UPDATE item_events SET occurred_at = occurred_at + INTERVAL 1 MINUTE
	WHERE event_id = (SELECT min(event_id) FROM item_events WHERE item_id = $1 AND kind = 'status' AND occurred_at < $2)`,
				createdIn(t, 3), months[3].To)
		}, []int{3, 4, 5}},
		{"an item's team", func(t *testing.T) {
			exec(t, `UPDATE items SET team = team || '-moved' WHERE item_id = $1`, createdIn(t, 4))
		}, []int{4, 5}},
		// A month's review waits, blocked and dependency waits run to the
		// event that ends them, after the month: the later rows of an item
		// the month knows are its inputs too.
		{"a later review of a pull request opened in a month", func(t *testing.T) {
			var pr string
			if err := st.DB().QueryRow(`SELECT min(item_id) FROM pull_requests WHERE created_at >= $1 AND created_at < $2`,
				months[5].From, months[5].To).Scan(&pr); err != nil {
				t.Fatal(err)
			}
			exec(t, `INSERT INTO reviews VALUES ('late:r1', $1, NULL, 'APPROVED', $2)`, pr, next.Add(time.Hour))
		}, []int{5}},
		{"the config or plan", func(t *testing.T) { hash += "-changed" }, []int{0, 1, 2, 3, 4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.change(t)
			if got := ensure(t); !slices.Equal(got, tt.want) {
				t.Errorf("analysed months %v again, want %v", got, tt.want)
			}
		})
	}
}

// runRows is a run's findings and metrics, one sorted line each.
func runRows(t *testing.T, st *store.Store, id string) []string {
	t.Helper()
	rows, err := st.DB().Query(`SELECT 'finding ' || pattern || ' ' || severity || ' ' || coalesce(team, '') || ' ' ||
	coalesce(subject, '') || ' ' || coalesce(score::VARCHAR, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(evidence::VARCHAR, '')
FROM findings WHERE run_id = $1
UNION ALL SELECT 'metric ' || scope_kind || ' ' || scope || ' ' || metric || ' ' || period || ' ' ||
	coalesce(value::VARCHAR, '') || ' ' || coalesce(n::VARCHAR, '') FROM metrics WHERE run_id = $1
ORDER BY 1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(fmt.Errorf("run %s: %w", id, err))
	}
	return out
}
