package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
	"github.com/systemic-dev/systemic/reports"
)

// TestDecisionsCountedOnce: on the synthetic organisation, where a team
// also labels what waits in "Awaiting Approval" (needs-approval, put on as
// the item enters the state and taken off an hour after it leaves), the
// slow decider's decisions are one number in the decision_latency finding,
// the decision-rights table, the decision-latency question (one row) and a
// direct count of the status changes out of Awaiting Approval.
func TestDecisionsCountedOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, syncs and analyses an organisation")
	}
	ctx := context.Background()
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 6, 14
	cfgPath, dbPath, gt := synthOrg(t, spec)
	slow, ok := truthOf(gt, "decision_latency")
	if !ok {
		t.Fatal("the synthetic organisation plants no slow decider")
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	labelDecisions(t, st)
	from, to := spec.Start(), spec.End
	if _, err := analysis.Analyze(ctx, st, analysis.Options{Env: analysis.Env{Thresholds: cfg.Thresholds,
		States: cfg.States, Calendar: cfg.Calendar, From: from, To: to, Now: to}}); err != nil {
		t.Fatal(err)
	}
	direct := count(t, st, `SELECT count(*) FROM item_events e JOIN identities i ON i.identity_id = e.actor_id
	WHERE e.kind = 'status' AND e.from_value = 'Awaiting Approval' AND coalesce(i.person_id, i.identity_id) = ?
		AND e.occurred_at >= ? AND e.occurred_at < ?`, slow.Subject, from, to)
	finding := findingDecisions(t, st, analysis.RunID(from, to), slow.Subject)
	var teams []string
	for _, tm := range cfg.Teams {
		teams = append(teams, tm.Name)
	}
	plan, err := config.LoadPlan(cfg.Plan, teams)
	if err != nil {
		t.Fatal(err)
	}
	res, err := reports.Generate(ctx, st, reports.Options{Plan: plan, From: from, To: to, OutDir: t.TempDir(), Now: to,
		Formats: []string{"json"}, Thresholds: cfg.Thresholds, Calendar: cfg.Calendar})
	if err != nil {
		t.Fatal(err)
	}
	table := -1
	for _, d := range res.Report.Plan.Decisions {
		if d.ID == "payments-approval" {
			table = d.Decided
		}
	}
	st.Close()
	var rows []float64
	for _, r := range askJSON(t, cfgPath, dbPath, "decision-latency", "--from", from.Format("2006-01-02"),
		"--to", to.AddDate(0, 0, -1).Format("2006-01-02"), "--limit", "0") {
		if r["decider"] == slow.Subject {
			rows = append(rows, r["decisions"].(float64))
		}
	}
	t.Logf("decisions by %s: direct %d, finding %d, decision-rights table %d, query rows %v", slow.Subject, direct, finding, table, rows)
	if direct == 0 {
		t.Fatal("no decisions to count")
	}
	if finding != direct || table != direct || len(rows) != 1 || int(rows[0]) != direct {
		t.Errorf("decisions by %s: direct count %d, finding %d, decision-rights table %d, query rows %v; want one number",
			slow.Subject, direct, finding, table, rows)
	}
}

// labelDecisions puts a needs-approval label on every item as it enters
// Awaiting Approval and takes it off an hour after the item leaves it, as
// the person who asked for the approval.
func labelDecisions(t *testing.T, st *store.Store) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO item_events SELECT e.event_id || ':label-on', e.item_id, e.occurred_at, e.actor_id, 'labels', 'labels', '', 'needs-approval', NULL, NULL
		FROM item_events e WHERE e.kind = 'status' AND e.to_value = 'Awaiting Approval'`,
		`INSERT INTO item_events SELECT x.event_id || ':label-off', x.item_id, x.occurred_at + INTERVAL 1 HOUR, e.actor_id, 'labels', 'labels', 'needs-approval', '', NULL, NULL
		FROM item_events x JOIN item_events e ON e.item_id = x.item_id AND e.kind = 'status' AND e.to_value = 'Awaiting Approval'
			AND e.occurred_at = (SELECT max(occurred_at) FROM item_events y WHERE y.item_id = x.item_id AND y.kind = 'status'
				AND y.to_value = 'Awaiting Approval' AND y.occurred_at < x.occurred_at)
		WHERE x.kind = 'status' AND x.from_value = 'Awaiting Approval'`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
}

func count(t *testing.T, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return n
}

// findingDecisions is the number of decisions the run's
// decision_latency finding on person says it counted.
func findingDecisions(t *testing.T, st *store.Store, run, person string) int {
	t.Helper()
	var n float64
	err := st.DB().QueryRow(`SELECT CAST(json_extract(evidence, '$.values.decisions') AS DOUBLE) FROM findings
	WHERE run_id = ? AND pattern = 'decision_latency' AND subject = ?`, run, person).Scan(&n)
	if err != nil {
		t.Fatal(fmt.Errorf("decision_latency finding on %s: %w", person, err))
	}
	return int(n)
}
