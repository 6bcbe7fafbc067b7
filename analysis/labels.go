package analysis

import "strings"

// decision_label(label), used by sql/v_decisions.sql over
// sql/v_label_intervals.sql, says whether a label marks an item as needing a
// decision: the names of the decision states (as written and with
// dashes) and needs-decision, decision-needed, awaiting-decision,
// needs-approval, awaiting-approval.
func init() {
	RegisterPrelude(1, decisionLabelMacro)
}

func decisionLabelMacro(env *Env) []string {
	names := []string{"needs-decision", "needs decision", "decision-needed", "decision needed",
		"awaiting-decision", "awaiting decision", "needs-approval", "awaiting-approval"}
	states := env.States.Decision
	if len(states) == 0 {
		states = defaultStates.Decision
	}
	for _, s := range states {
		s = strings.ToLower(strings.TrimSpace(s))
		names = append(names, s, strings.ReplaceAll(s, " ", "-"))
	}
	var quoted []string
	for _, n := range names {
		quoted = append(quoted, sqlString(n))
	}
	return []string{"CREATE OR REPLACE MACRO decision_label(label) AS lower(label) IN (" + strings.Join(quoted, ", ") + ")"}
}
