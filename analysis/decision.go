package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// decisionLatency is the decision_latency pattern. A decision is a stretch
// an item spends waiting on one (v_decisions): a decision-class status
// ("Awaiting Approval"; states.decision in the config), or a label that
// marks it as needing a decision (decision_label) until the label is
// removed or the item is done. The decider is the person who moved it out:
// the actor of the status change, the label removal or the transition to
// done. Per decider (bots left out), over the decisions taken in the
// window: count, median and 85th percentile latency in working hours. A
// decider with at least Thresholds.MinSample decisions whose median
// exceeds Thresholds.DecisionSLA (default 2d = two working days) is a
// finding: warn, critical at twice the SLA; score 1 - SLA/median; team =
// the decider's team. Metrics: decision_latency_p50_hours and
// decision_latency_p85_hours per team (the items' team) for the window and
// per month, and per person. Decision rights in the plan (owners, SLA,
// matching states and labels) are measured by DecisionStats.
type decisionLatency struct{}

var _ Module = decisionLatency{}

func init() {
	Register(decisionLatency{})
	RegisterDerived(Derived{
		Name:  "v_decisions",
		Doc:   "time items spent waiting on a decision (decision states, decision labels), who decided and how long",
		Order: 30,
		SQL:   decisionsSQL("s.state_class = 'decision'", "decision_label(label)"),
	})
}

func (decisionLatency) Name() string { return "decision_latency" }

func (decisionLatency) Explain() string {
	return `decision_latency: how long decisions take and who takes them. A decision is the time an item
spends in a decision state (states.decision, e.g. "Awaiting Approval") or carrying a label that asks for
one (needs-decision, decision-needed, awaiting-decision, needs-approval, awaiting-approval, or a decision
state's name), until it leaves the state, loses the label or is done. The decider is whoever moved it out.
Per decider (bots excluded) over the decisions taken in the window: count, median and p85 latency in
working hours. A decider with at least min_sample (default 5) decisions whose median exceeds
thresholds.decision_sla (default 2d = 2 working days) is warn, critical at twice the SLA;
score = 1 - SLA/median; team = the decider's team. Decisions still open are listed with their age.
Metrics: decision_latency_p50_hours, decision_latency_p85_hours per team (of the items) and person.
With a plan, each decision right's owner share, latency against its SLA and "decision-rights drift"
(decisions taken by someone other than the named owners) come from the same facts.`
}

// decisionsSQL builds v_decisions' SELECT with the predicates that pick
// decision statuses (over v_status_intervals s) and labels (over a
// lowercased column label).
func decisionsSQL(statePred, labelPred string) string {
	return `WITH picked AS (
	SELECT s.item_id, s.status AS state, s.start_at AS entered_at, s.end_at AS decided_at, s.left_by AS decider
	FROM v_status_intervals s WHERE ` + statePred + `
	UNION ALL
	SELECT l.item_id, 'label:' || l.label, l.start_at,
		least(l.end_at, d.done_at),
		CASE WHEN l.end_at IS NOT NULL AND (d.done_at IS NULL OR l.end_at <= d.done_at) THEN l.removed_by ELSE d.done_by END
	FROM (` + labelIntervalsSQL(labelPred) + `) l
	LEFT JOIN LATERAL (
		SELECT min(x.start_at) AS done_at, arg_min(x.entered_by, x.start_at) AS done_by FROM v_status_intervals x
		WHERE x.item_id = l.item_id AND x.state_class = 'done' AND x.start_at >= l.start_at) d ON true
)
SELECT p.item_id, it.key, it.team, p.state, p.entered_at, p.decided_at, p.decider,
	greatest(epoch(coalesce(p.decided_at, env_now())) - epoch(p.entered_at), 0) / 3600.0 AS hours,
	work_hours(p.entered_at, coalesce(p.decided_at, env_now())) AS work_hours,
	p.decided_at IS NULL AS open, it.container, it.url
FROM picked p JOIN items it USING (item_id)`
}

// decision is one row of v_decisions as the module reads it.
type decision struct {
	key, url, team, decider, deciderTeam string
	month                                string // of the decision, YYYY-MM
	workHours                            float64
	open                                 bool
}

// readDecisions reads the decisions taken in env's window and those open
// at its end, bots' decisions left out.
func readDecisions(ctx context.Context, env *Env) ([]decision, error) {
	const q = `SELECT d.key, coalesce(d.url, ''), coalesce(d.team, ''), coalesce(d.decider, ''),
	coalesce(p.team, ''), d.work_hours, d.open, coalesce(strftime(d.decided_at, '%Y-%m'), '')
FROM v_decisions d LEFT JOIN v_people p ON p.person_id = d.decider
WHERE NOT coalesce(p.is_bot, false) AND (
	(NOT d.open AND d.decided_at >= $1 AND d.decided_at < $2)
	OR (d.open AND d.entered_at < $2))
ORDER BY d.key, d.entered_at`
	var ds []decision
	err := queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		var d decision
		if err := scan(&d.key, &d.url, &d.team, &d.decider, &d.deciderTeam, &d.workHours, &d.open, &d.month); err != nil {
			return err
		}
		ds = append(ds, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	return ds, nil
}

func (m decisionLatency) Run(ctx context.Context, env *Env) (Result, error) {
	th := WithDefaults(env.Thresholds)
	ds, err := readDecisions(ctx, env)
	if err != nil {
		return Result{}, err
	}
	sla := workThreshold(env, th.DecisionSLA)
	byDecider := map[string][]decision{}
	byTeam := map[string][]float64{}
	byMonth := map[[2]string][]float64{} // team, month
	for _, d := range ds {
		if d.open {
			continue // no decider yet; DecisionStats counts them against the plan
		}
		if d.team != "" {
			byTeam[d.team] = append(byTeam[d.team], d.workHours)
			byMonth[[2]string{d.team, d.month}] = append(byMonth[[2]string{d.team, d.month}], d.workHours)
		}
		if d.decider != "" {
			byDecider[d.decider] = append(byDecider[d.decider], d)
		}
	}
	var res Result
	for _, team := range sortedKeys(byTeam) {
		res.Metrics = append(res.Metrics, latencyMetrics("team", team, "all", byTeam[team])...)
	}
	months := make([][2]string, 0, len(byMonth))
	for k := range byMonth {
		months = append(months, k)
	}
	slices.SortFunc(months, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
	for _, k := range months {
		res.Metrics = append(res.Metrics, latencyMetrics("team", k[0], k[1], byMonth[k])...)
	}
	for _, who := range sortedKeys(byDecider) {
		dd := byDecider[who]
		var hs []float64
		for _, d := range dd {
			hs = append(hs, d.workHours)
		}
		res.Metrics = append(res.Metrics, latencyMetrics("person", who, "all", hs)...)
		med := Median(hs)
		if med <= sla {
			continue
		}
		if len(hs) < th.MinSample {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %d decisions (minimum %d)", who, len(hs), th.MinSample))
			continue
		}
		res.Findings = append(res.Findings, deciderFinding(env, who, dd, hs, med, sla))
	}
	return res, nil
}

func latencyMetrics(kind, scope, period string, hs []float64) []Metric {
	return []Metric{
		{ScopeKind: kind, Scope: scope, Metric: "decision_latency_p50_hours", Period: period, Value: round2(Median(hs)), N: len(hs)},
		{ScopeKind: kind, Scope: scope, Metric: "decision_latency_p85_hours", Period: period, Value: round2(Quantile(hs, 0.85)), N: len(hs)},
	}
}

func deciderFinding(env *Env, who string, dd []decision, hs []float64, med, sla float64) Finding {
	within := 0
	var items []EvidenceItem
	for _, d := range dd {
		if d.workHours <= sla {
			within++
		}
		items = append(items, EvidenceItem{Key: d.key, URL: d.url, Value: round2(d.workHours), Note: "decided after " + workDays(env, d.workHours)})
	}
	p85 := Quantile(hs, 0.85)
	lo, hi := BootstrapMedianCI(hs, 0.9, 1000, 1)
	return Finding{
		Pattern: "decision_latency", Severity: overSeverity(med, sla), Team: dd[0].deciderTeam,
		SubjectKind: "person", Subject: who, Score: overScore(med, sla),
		Summary: fmt.Sprintf("%s taken by this person waited a median %s (p85 %s) against an SLA of %s; %d of %d within it.",
			plural(len(hs), "decision"), workDays(env, med), workDays(env, p85), workDays(env, sla), within, len(hs)),
		Evidence: Evidence{
			Values: map[string]float64{"decisions": float64(len(hs)), "median_work_hours": round2(med),
				"p85_work_hours": round2(p85), "median_ci90_low": round2(lo), "median_ci90_high": round2(hi),
				"sla_work_hours": round2(sla), "within_sla": float64(within)},
			Items:  topItems(items, 20),
			People: []string{who},
		},
	}
}
