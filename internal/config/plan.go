package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
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
	Raw string
	// Since is the day the teams started the agreement (zero: always);
	// reports track it from then ("since 2026-11-04: ... kept").
	Since Date
	Line  int
}

// AgreementMetrics are the metrics an agreement can name; true when the
// target is a duration.
var AgreementMetrics = map[string]bool{
	"review_pickup":     true,
	"blocked_time":      true,
	"wip_per_person":    false,
	"unreviewed_merges": false,
	"carry_over":        false,
	"decision_latency":  true,
}

// PlanError lists every problem found in a plan file, each printing as
// "plan.yaml:12: goals[1].team: unknown team ...".
type PlanError struct {
	Problems []Problem
}

// Error lists every problem of the plan, one a line.
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
	Since  string `yaml:"since"`
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
