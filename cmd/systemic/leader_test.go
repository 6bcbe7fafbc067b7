package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// TestLeaderQuestions answers the three questions a leader asks without
// SQL on the synthetic organisation and checks each against a direct SQL
// count over the store: which team carries the most work over between
// sprints, who waits on whom in both directions, and whether review pickup
// gets better month by month.
func TestLeaderQuestions(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, syncs and analyses an organisation")
	}
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 6, 14
	cfg, db, _ := synthOrg(t, spec)
	// The store is opened for each count and closed again: the questions
	// open it in their own locked-down instance.
	count := func(q string, args ...any) float64 {
		t.Helper()
		st, err := store.OpenReadOnly(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n float64
		if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		return n
	}
	t.Run("carryover-by-team", func(t *testing.T) {
		rows := askJSON(t, cfg, db, "carryover-by-team", "--limit", "0")
		if len(rows) == 0 {
			t.Fatal("no rows")
		}
		var carried float64
		for _, r := range rows {
			team := r["team"].(string)
			// Items in a sprint completed by the analysis' end, still in it
			// and not completed in it, counted on the sprint tables.
			want := count(`SELECT count(*) FROM sprint_items x JOIN sprints s USING (sprint_id) JOIN items i ON i.item_id = x.item_id
				WHERE s.complete_at <= ? AND i.team = ? AND NOT coalesce(x.completed_in_sprint, false) AND x.removed_at IS NULL`, spec.End, team)
			committed := count(`SELECT count(*) FROM sprint_items x JOIN sprints s USING (sprint_id) JOIN items i ON i.item_id = x.item_id
				WHERE s.complete_at <= ? AND i.team = ? AND x.committed`, spec.End, team)
			if r["carried_over"].(float64) != want || r["committed"].(float64) != committed {
				t.Errorf("%s: carried %v of %v committed, direct count %v of %v", team, r["carried_over"], r["committed"], want, committed)
			}
			share := r["carried_over"].(float64) / (r["committed"].(float64) + r["added"].(float64))
			if got := r["carried_share"].(float64); got != share && fmt.Sprintf("%.3g", got) != fmt.Sprintf("%.3g", share) { // JSON shows three significant digits
				t.Errorf("%s: carried_share %v, want %v", team, r["carried_share"], share)
			}
			carried += want
		}
		if carried == 0 {
			t.Error("no work carried over in the synthetic organisation: the question is not exercised")
		}
		for i := 1; i < len(rows); i++ {
			if rows[i]["carried_share"].(float64) > rows[i-1]["carried_share"].(float64) {
				t.Errorf("rows not ordered by carried share: %v before %v", rows[i-1]["team"], rows[i]["team"])
			}
		}
		perSprint := askJSON(t, cfg, db, "carryover-by-sprint", "--limit", "0")
		var total float64
		for _, r := range perSprint {
			total += r["carried_over"].(float64)
		}
		if total != carried {
			t.Errorf("carryover-by-sprint sums to %v carried items, the direct count is %v", total, carried)
		}
	})
	t.Run("team-waits", func(t *testing.T) {
		rows := askJSON(t, cfg, db, "team-waits", "--limit", "0")
		kinds := map[string]bool{}
		waits, waitedOn := map[string]bool{}, map[string]bool{}
		for _, r := range rows {
			from, to, kind := r["waiting_team"].(string), r["waits_on_team"].(string), r["kind"].(string)
			kinds[kind] = true
			waits[from], waitedOn[to] = true, true
			var want float64
			switch kind {
			case "review":
				want = count(`SELECT count(*) FROM v_review_waits WHERE author_team = ? AND reviewer_team = ?`, from, to)
			case "blocking":
				want = count(`SELECT count(*) FROM v_dependency_waits WHERE waiting_team = ? AND blocker_team = ?`, from, to)
			default:
				t.Errorf("unlabelled wait kind %q", kind)
			}
			if r["waits"].(float64) != want || r["direction"] != fmt.Sprintf("%s waits on %s", from, to) {
				t.Errorf("%v (%s): %v waits, direct count %v", r["direction"], kind, r["waits"], want)
			}
		}
		if !kinds["review"] || !kinds["blocking"] {
			t.Errorf("kinds %v: the synthetic organisation has both review and blocking waits between teams", kinds)
		}
		// With --team, both directions: what each team waits on and what
		// waits on it (the query fixture has a pair waiting on each other).
		for tm := range union(waits, waitedOn) {
			sides := map[string]float64{}
			for _, r := range askJSON(t, cfg, db, "team-waits", "--team", tm, "--limit", "0") {
				sides[r["side"].(string)] += r["waits"].(float64)
			}
			waiting := count(`SELECT (SELECT count(*) FROM v_review_waits WHERE author_team = $1 AND reviewer_team <> $1)
				+ (SELECT count(*) FROM v_dependency_waits WHERE waiting_team = $1 AND blocker_team <> $1)`, tm)
			waitedOnN := count(`SELECT (SELECT count(*) FROM v_review_waits WHERE reviewer_team = $1 AND author_team <> $1)
				+ (SELECT count(*) FROM v_dependency_waits WHERE blocker_team = $1 AND waiting_team <> $1)`, tm)
			if sides["waiting"] != waiting || sides["waited on"] != waitedOnN {
				t.Errorf("%s: waiting %v, waited on %v; direct counts %v and %v", tm, sides["waiting"], sides["waited on"], waiting, waitedOnN)
			}
		}
	})
	t.Run("trend", func(t *testing.T) {
		rows := askJSON(t, cfg, db, "trend", "--metric", "review_pickup_p85", "--team", "platform", "--limit", "0")
		want := count(`SELECT count(*) FROM metrics m JOIN runs r USING (run_id)
			WHERE m.metric = 'review_pickup_p85_hours' AND m.scope_kind = 'team' AND m.scope = 'platform' AND m.period = 'all'
				AND date_diff('month', r.from_ts, r.to_ts) = 1 AND day(r.from_ts) = 1`)
		if float64(len(rows)) != min(want, 12) || want < 2 {
			t.Fatalf("%d months, direct count %v", len(rows), want)
		}
		for i, r := range rows {
			v := count(`SELECT value FROM metrics WHERE run_id = ? AND metric = 'review_pickup_p85_hours' AND scope = 'platform' AND period = 'all'`,
				r["period"].(string)+"-01.."+nextMonth(t, r["period"].(string)))
			if r["value"].(float64) != v {
				t.Errorf("%s: value %v, stored %v", r["period"], r["value"], v)
			}
			if i == 0 {
				continue
			}
			change := r["value"].(float64) - rows[i-1]["value"].(float64)
			wantDir := map[bool]string{true: "better", false: "worse"}[change < 0] // lower pickup is better
			if change == 0 {
				wantDir = "same"
			}
			if r["direction"] != wantDir {
				t.Errorf("%s: change %v marked %v, want %s", r["period"], change, r["direction"], wantDir)
			}
		}
	})
}

func nextMonth(t *testing.T, month string) string {
	var y, m int
	if _, err := fmt.Sscanf(month, "%d-%d", &y, &m); err != nil {
		t.Fatal(err)
	}
	if m == 12 {
		y, m = y+1, 0
	}
	return fmt.Sprintf("%04d-%02d-01", y, m+1)
}

func union(a, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
