package config

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// planCheck validates the decoded plan and collects problems.
type planCheck struct {
	file     string
	root     *yaml.Node
	teams    []string
	problems []Problem
	warnings []string
}

func (v *planCheck) add(path []any, format string, args ...any) {
	v.problems = append(v.problems, v.at(path, format, args...))
}

func (v *planCheck) at(path []any, format string, args ...any) Problem {
	return Problem{File: v.file, Line: lineAt(v.root, path), Field: pathString(path), Msg: fmt.Sprintf(format, args...)}
}

func (v *planCheck) plan(raw *planFile) *Plan {
	p := &Plan{}
	p.Period.From = v.date(raw.Period.From, false, "period", "from")
	p.Period.To = v.date(raw.Period.To, false, "period", "to")
	if !p.Period.From.IsZero() && !p.Period.To.IsZero() && p.Period.To.Before(p.Period.From.Time) {
		v.add([]any{"period", "to"}, "%s is before period.from %s (swap them)", p.Period.To, p.Period.From)
	}
	ids := map[string]bool{}
	for i, g := range raw.Goals {
		v.id(ids, g.ID, "goals", i)
		p.Goals = append(p.Goals, Goal{ID: g.ID, Title: g.Title, Team: v.team(g.Team, "goals", i, "team"),
			Due: v.date(g.Due, true, "goals", i, "due"), Scope: v.scope(g.Scope, "goals", i),
			Line: lineAt(v.root, []any{"goals", i})})
	}
	ids = map[string]bool{}
	for i, d := range raw.Dependencies {
		v.id(ids, d.ID, "dependencies", i)
		dep := Dependency{ID: d.ID, Title: d.Title, What: d.What, From: v.team(d.From, "dependencies", i, "from"),
			To: v.team(d.To, "dependencies", i, "to"), Due: v.date(d.Due, true, "dependencies", i, "due"),
			Scope: v.scope(d.Scope, "dependencies", i), Line: lineAt(v.root, []any{"dependencies", i})}
		if dep.From != "" && dep.From == dep.To {
			v.add([]any{"dependencies", i, "to"}, "from and to are both %q (a dependency runs between two teams)", dep.From)
		}
		p.Dependencies = append(p.Dependencies, dep)
	}
	ids = map[string]bool{}
	for i, d := range raw.Decisions {
		p.Decisions = append(p.Decisions, v.decision(ids, d, i))
	}
	ids = map[string]bool{}
	for i, a := range raw.Agreements {
		p.Agreements = append(p.Agreements, v.agreement(ids, a, i))
	}
	p.Warnings = v.warnings
	return p
}

func (v *planCheck) decision(ids map[string]bool, d rawDecision, i int) DecisionRight {
	v.id(ids, d.ID, "decisions", i)
	r := DecisionRight{ID: d.ID, Title: d.Title, Owners: d.Owners, Match: d.Match, Line: lineAt(v.root, []any{"decisions", i})}
	if len(d.Owners) == 0 {
		v.add([]any{"decisions", i, "owners"}, "no owners (name who takes these decisions: owners: [carol])")
	}
	if d.SLA != "" {
		sla, err := ParseDuration(d.SLA)
		if err != nil {
			v.add([]any{"decisions", i, "sla"}, "%v", err)
		}
		r.SLA = Duration(sla)
	}
	if len(d.Match.States)+len(d.Match.Labels) == 0 {
		v.add([]any{"decisions", i, "match"}, "empty match (add states: [\"Awaiting Approval\"] or labels: [needs-decision])")
	}
	return r
}

func (v *planCheck) agreement(ids map[string]bool, a rawAgreement, i int) Agreement {
	v.id(ids, a.ID, "agreements", i)
	r := Agreement{ID: a.ID, Title: a.Title, Metric: a.Metric, Raw: a.Target, Line: lineAt(v.root, []any{"agreements", i}),
		Since: v.date(a.Since, false, "agreements", i, "since")}
	isDuration, known := AgreementMetrics[a.Metric]
	switch {
	case a.Metric == "":
		v.add([]any{"agreements", i, "metric"}, "missing metric (one of %s)", agreementMetricList())
		return r
	case !known:
		v.warnings = append(v.warnings, v.at([]any{"agreements", i, "metric"},
			"systemic cannot measure %q; the report shows it as not measurable (measurable: %s)", a.Metric, agreementMetricList()).String())
	}
	if a.Target == "" {
		v.add([]any{"agreements", i, "target"}, "missing target (e.g. target: 24h or target: 3)")
		return r
	}
	if isDuration {
		d, err := ParseDuration(a.Target)
		if err != nil {
			v.add([]any{"agreements", i, "target"}, "%v", err)
		}
		r.Target = d.Hours()
		return r
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(a.Target), 64)
	if err != nil || f < 0 {
		if known {
			v.add([]any{"agreements", i, "target"}, "invalid target %q for %s (a number, e.g. 3)", a.Target, a.Metric)
		}
		return r
	}
	r.Target = f
	return r
}

func agreementMetricList() string {
	var ms []string
	for m := range AgreementMetrics {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return strings.Join(ms, ", ")
}

func (v *planCheck) id(seen map[string]bool, id, section string, i int) {
	switch {
	case id == "":
		v.add([]any{section, i}, "missing id (a short name the report uses, e.g. id: onboarding)")
	case seen[id]:
		v.add([]any{section, i, "id"}, "duplicate id %q in %s", id, section)
	}
	seen[id] = true
}

func (v *planCheck) team(name string, path ...any) string {
	switch {
	case name == "":
		v.add(path, "missing team (teams: %s)", v.teamList())
	case v.teams != nil && !slices.Contains(v.teams, name):
		v.add(path, "unknown team %q (teams: %s)", name, v.teamList())
	}
	return name
}

func (v *planCheck) teamList() string {
	if len(v.teams) == 0 {
		return "none declared in the config"
	}
	ts := slices.Clone(v.teams)
	sort.Strings(ts)
	return strings.Join(ts, ", ")
}

func (v *planCheck) date(s string, required bool, path ...any) Date {
	if s == "" {
		if required {
			v.add(path, "missing date (YYYY-MM-DD)")
		}
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		v.add(path, "%v", err)
	}
	return d
}

func (v *planCheck) scope(s Scope, path ...any) Scope {
	if s.Empty() {
		v.add(append(path, "scope"), "empty scope (select items with epics, keys, labels, projects, repos or milestones)")
	}
	return s
}

// lineAt finds the line of the node at path (mapping keys and sequence
// indexes) in a document, or of the deepest part of the path that exists.
func lineAt(root *yaml.Node, path []any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, step := range path {
		next := child(n, step)
		if next == nil {
			break
		}
		n, line = next, next.Line
	}
	return line
}

func child(n *yaml.Node, step any) *yaml.Node {
	switch s := step.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s < len(n.Content) {
			return n.Content[s]
		}
	}
	return nil
}

func pathString(path []any) string {
	var b strings.Builder
	for _, s := range path {
		switch s := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, s)
		}
	}
	return b.String()
}
