package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// decisionLatency is the decision_latency pattern. A decision is one wait
// on one item (v_decisions, see decisionsSQL): a stretch in a
// decision-class status ("Awaiting Approval"; states.decision in the
// config), with any decision label on during it counted as the same wait,
// or a label that marks it as needing a decision (decision_label) while it
// is in no such status, until the label is removed or the item is done.
// The decider is the person who moved it out: the actor of the status
// change, the label removal or the transition to done. Per decider (bots left out), over the decisions taken in the
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
}

func (decisionLatency) Name() string { return "decision_latency" }

func (decisionLatency) Explain() string {
	return `decision_latency: how long decisions take and who takes them. A decision is the time an item
spends in a decision state (states.decision, e.g. "Awaiting Approval") or carrying a label that asks for
one (needs-decision, decision-needed, awaiting-decision, needs-approval, awaiting-approval, or a decision
state's name), until it leaves the state, loses the label or is done. A state and labels covering the same
wait are one decision, counted once. The decider is whoever moved it out.
Per decider (bots excluded) over the decisions taken in the window: count, median and p85 latency in
working hours. A decider with at least min_sample (default 5) decisions whose median exceeds
thresholds.decision_sla (default 2d = 2 working days) is warn, critical at twice the SLA;
score = 1 - SLA/median; team = the decider's team. Episodes: per decider, the weeks in which the
decisions they took were open a median above the SLA, read over a 120-day lookback; two or more such
weeks (one quiet week joined) overlapping the window, with at least min_sample decisions, make a finding
of at least warn even when the window alone holds fewer decisions or a median inside the SLA. Decisions still open are listed with their age.
Metrics: decision_latency_p50_hours, decision_latency_p85_hours per team (of the items) and person.
With a plan, each decision right's owner share, latency against its SLA and "decision-rights drift"
(decisions taken by someone other than the named owners) come from the same facts.`
}

// decisionsSQL builds v_decisions' SELECT with the predicates that pick
// decision statuses (over v_status_intervals s) and labels (over a
// lowercased column label). It is the one definition of a decision: the
// decision_latency module, DecisionStats (a plan's decision rights) and the
// decision-latency question all count these rows.
//
// A decision is one wait on one item. Each stretch in a decision state is
// one; decision labels on the item during it (overlapping it) are the same
// wait, not another decision, and move its start back to when the first
// of them was put on (never before the item's previous decision ended).
// Labels that overlap no decision state are decisions of their own, until
// removed or the item is done; labels on at the same time are one wait.
// state is the decision state, or "label:<name>" for a label-only wait;
// signals lists every state and label the wait was seen by.
func decisionsSQL(statePred, labelPred string) string {
	q := derivedSQL("v_decisions")
	q = strings.Replace(q, "/* decision states */ s.state_class = 'decision'", "("+statePred+")", 1)
	return strings.Replace(q, "/* decision labels */ decision_label(label)", "("+labelPred+")", 1)
}

// decision is one row of v_decisions as the module reads it.
type decision struct {
	key, url, team, decider, deciderTeam string
	month                                string // of the decision, YYYY-MM
	workHours                            float64
	open                                 bool
	entered, decided                     time.Time
	inWindow                             bool // decided in the window, or open; else from the lookback
}

// readDecisions reads the decisions taken in env's window and those open
// at its end, bots' decisions left out.
func readDecisions(ctx context.Context, env *Env) ([]decision, error) {
	const q = `SELECT d.key, coalesce(d.url, ''), coalesce(d.team, ''), coalesce(d.decider, ''),
	coalesce(p.team, ''), d.work_hours, d.open, coalesce(strftime(d.decided_at, '%Y-%m'), ''),
	d.entered_at, coalesce(d.decided_at, d.entered_at), d.open OR d.decided_at >= $1
FROM v_decisions d LEFT JOIN v_people p ON p.person_id = d.decider
WHERE NOT coalesce(p.is_bot, false) AND (
	(NOT d.open AND d.decided_at >= $3 AND d.decided_at < $2)
	OR (d.open AND d.entered_at < $2))
ORDER BY d.key, d.entered_at`
	var ds []decision
	args := []any{env.From.UTC(), env.To.UTC(), lookbackFrom(env).UTC()}
	err := queryEach(ctx, env.DB, q, args, func(scan func(...any) error) error {
		var d decision
		if err := scan(&d.key, &d.url, &d.team, &d.decider, &d.deciderTeam, &d.workHours, &d.open, &d.month,
			&d.entered, &d.decided, &d.inWindow); err != nil {
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
	spans := map[string][]span{}         // decider -> decisions, lookback included
	for _, d := range ds {
		if d.open {
			continue // no decider yet; DecisionStats counts them against the plan
		}
		if d.decider != "" {
			spans[d.decider] = append(spans[d.decider], span{d.entered, d.decided, d.workHours})
		}
		if !d.inWindow {
			continue
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
		ep, series, weeks, inEpisode := waitEpisode(env, "decision_latency", spans[who], sla/dayHours(env))
		inEpisode = inEpisode && len(spans[who]) >= th.MinSample
		if med <= sla && !inEpisode {
			continue
		}
		if len(hs) < th.MinSample && !inEpisode {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %d decisions (minimum %d)", who, len(hs), th.MinSample))
			continue
		}
		f := deciderFinding(env, who, dd, hs, med, sla)
		if inEpisode {
			f.Severity = atLeast(f.Severity, episodeSeverity(ep, weeks))
			f.Evidence.Episode, f.Evidence.Timeline = &ep, series
			f.Summary += " " + waitEpisodeText(ep)
		}
		res.Findings = append(res.Findings, f)
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
	items = onePerKey(items, true)
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

// onePerKey keeps one evidence entry per item: an item that waited on two
// decisions in the window is listed once, with its longest wait and the
// number of decisions in its note when annotate (else the note is left as
// it is: DecisionStat.Drift's note is a person id).
func onePerKey(items []EvidenceItem, annotate bool) []EvidenceItem {
	var out []EvidenceItem
	at, n := map[string]int{}, map[string]int{}
	for _, it := range items {
		n[it.Key]++
		i, seen := at[it.Key]
		switch {
		case !seen:
			at[it.Key] = len(out)
			out = append(out, it)
		case it.Value > out[i].Value:
			out[i] = it
		}
	}
	for i, it := range out {
		if annotate && n[it.Key] > 1 {
			out[i].Note = fmt.Sprintf("%s (longest of %d decisions)", it.Note, n[it.Key])
		}
	}
	return out
}
