package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Plan is plan.yaml after validation: what the teams said they would do,
// held against what the trackers show by the reports.
type Plan struct {
	Period       Period
	Goals        []Goal
	Dependencies []Dependency
	Decisions    []DecisionRight
	Agreements   []Agreement
	// Warnings are problems that do not stop a report (an agreement on a
	// metric systemic cannot measure), each as "file:line: ...".
	Warnings []string
	// File is the path the plan was loaded from.
	File string
}

// Period is the planning period; either end may be zero.
type Period struct{ From, To Date }

// Scope selects the items a goal or a dependency is about. An item is in
// scope when any selector matches it.
type Scope struct {
	Epics      []string `yaml:"epics"`      // epic keys: the issues in these epics
	Keys       []string `yaml:"keys"`       // item keys: PLAT-12, acme/api#7
	Labels     []string `yaml:"labels"`     // any of the labels
	Projects   []string `yaml:"projects"`   // Jira project keys
	Repos      []string `yaml:"repos"`      // owner/name
	Milestones []string `yaml:"milestones"` // GitHub milestone titles
}

// Empty reports whether no selector is set.
func (s Scope) Empty() bool {
	return len(s.Epics)+len(s.Keys)+len(s.Labels)+len(s.Projects)+len(s.Repos)+len(s.Milestones) == 0
}

// Goal is an outcome a team committed to by a date.
type Goal struct {
	ID, Title, Team string
	Due             Date
	Scope           Scope
	Line            int // line in plan.yaml, for messages
}

// Dependency is something team From promised to deliver to team To.
type Dependency struct {
	ID, Title, From, To, What string
	Due                       Date
	Scope                     Scope
	Line                      int
}

// Match selects the decisions a decision right is about: items in one of
// States or carrying one of Labels, narrowed to Projects when given.
type Match struct {
	States   []string `yaml:"states"`
	Labels   []string `yaml:"labels"`
	Projects []string `yaml:"projects"`
}

// DecisionRight says who takes a kind of decision and how fast.
type DecisionRight struct {
	ID, Title string
	Owners    []string
	SLA       Duration // zero: Thresholds.DecisionSLA
	Match     Match
	Line      int
}

// Agreement is a working agreement: a metric and the target the teams set.
type Agreement struct {
	ID, Title, Metric string
	// Target is hours for duration metrics, a count otherwise.
	Target float64
	// Raw is the target as written (24h, 3).
	Raw  string
	Line int
}

// AgreementMetrics are the metrics an agreement can name; true when the
// target is a duration.
var AgreementMetrics = map[string]bool{
	"review_pickup":     true,
	"blocked_time":      true,
	"wip_per_person":    false,
	"unreviewed_merges": false,
	"carry_over":        false,
}

// PlanError lists every problem found in a plan file, each printing as
// "plan.yaml:12: goals[1].team: unknown team ...".
type PlanError struct {
	Problems []Problem
}

func (e *PlanError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems in the plan:\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// The yaml shape of plan.yaml. Dates, durations and targets are decoded as
// text and parsed by validation, so one bad value does not hide the others.
type planFile struct {
	Period       rawPeriod       `yaml:"period"`
	Goals        []rawGoal       `yaml:"goals"`
	Dependencies []rawDependency `yaml:"dependencies"`
	Decisions    []rawDecision   `yaml:"decisions"`
	Agreements   []rawAgreement  `yaml:"agreements"`
}

type rawPeriod struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

type rawGoal struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Team  string `yaml:"team"`
	Due   string `yaml:"due"`
	Scope Scope  `yaml:"scope"`
}

type rawDependency struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	From  string `yaml:"from"`
	To    string `yaml:"to"`
	What  string `yaml:"what"`
	Due   string `yaml:"due"`
	Scope Scope  `yaml:"scope"`
}

type rawDecision struct {
	ID     string   `yaml:"id"`
	Title  string   `yaml:"title"`
	Owners []string `yaml:"owners"`
	SLA    string   `yaml:"sla"`
	Match  Match    `yaml:"match"`
}

type rawAgreement struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Metric string `yaml:"metric"`
	Target string `yaml:"target"`
}

// LoadPlan reads and validates plan.yaml. teams are the config's team
// names (nil skips the team checks). Every problem is reported at once, each
// with its file and line and what to do about it.
func LoadPlan(path string, teams []string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return ParsePlan(path, data, teams)
}

// ParsePlan is LoadPlan on bytes already read; path names them in messages.
func ParsePlan(path string, data []byte, teams []string) (*Plan, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &PlanError{Problems: []Problem{planSyntaxProblem(path, err)}}
	}
	v := &planCheck{file: path, root: &root, teams: teams}
	var raw planFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, &PlanError{Problems: []Problem{planSyntaxProblem(path, err)}}
		}
		for _, msg := range te.Errors {
			v.problems = append(v.problems, typeProblem(path, msg))
		}
	}
	p := v.plan(&raw)
	p.File = path
	if len(v.problems) > 0 {
		return nil, &PlanError{Problems: v.problems}
	}
	return p, nil
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
var unknownFieldRE = regexp.MustCompile(`^field (\S+) not found in type \S+\.(\w+)$`)

func planSyntaxProblem(path string, err error) Problem {
	msg := err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{File: path, Line: line, Msg: m[2] + " (check the indentation and quoting)"}
	}
	return Problem{File: path, Msg: msg}
}

// typeProblem rewrites the decoder's messages into ones naming the keys a
// section accepts.
func typeProblem(path, msg string) Problem {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return Problem{File: path, Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	if u := unknownFieldRE.FindStringSubmatch(m[2]); u != nil {
		return Problem{File: path, Line: line, Msg: fmt.Sprintf("unknown key %q (known here: %s)", u[1], knownKeys(u[2]))}
	}
	return Problem{File: path, Line: line, Msg: m[2]}
}

func knownKeys(typeName string) string {
	types := map[string]any{"planFile": planFile{}, "rawPeriod": rawPeriod{}, "rawGoal": rawGoal{},
		"rawDependency": rawDependency{}, "rawDecision": rawDecision{}, "rawAgreement": rawAgreement{},
		"Scope": Scope{}, "Match": Match{}}
	t, ok := types[typeName]
	if !ok {
		return "see testdata/plan.example.yaml"
	}
	rt := reflect.TypeOf(t)
	var keys []string
	for i := range rt.NumField() {
		keys = append(keys, strings.Split(rt.Field(i).Tag.Get("yaml"), ",")[0])
	}
	return strings.Join(keys, ", ")
}

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
	r := Agreement{ID: a.ID, Title: a.Title, Metric: a.Metric, Raw: a.Target, Line: lineAt(v.root, []any{"agreements", i})}
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
