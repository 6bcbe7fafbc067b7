package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// Module detects one pattern family (or computes the flow metrics) from the
// derived facts. Modules are independent: each reads the store, returns its
// findings and metrics, and never writes.
type Module interface {
	// Name is the pattern family (approval_bottleneck, ...) or "flow".
	Name() string
	// Explain is the definition shown by `systemic analyze --explain NAME`:
	// what is measured, the thresholds and their defaults.
	Explain() string
	// Run measures the window env.From..env.To.
	Run(ctx context.Context, env *Env) (Result, error)
}

// Env is what a module may read.
type Env struct {
	DB         *sql.DB
	Thresholds config.Thresholds // defaults filled in
	States     config.States
	Calendar   config.Calendar
	From, To   time.Time // analysis window, To exclusive
	Now        time.Time // "now" for open intervals (ages of open work)
	// Agreements are the plan's working agreements by metric (see
	// PlanAgreements): where one is set it is the limit the severity
	// ladder holds the family against, in place of the config threshold.
	Agreements map[string]float64
	Logger     *slog.Logger
	observe    stepObserver // step timings and their debug log (timings.go)
}

// Result is a module's output.
type Result struct {
	Findings []Finding
	Metrics  []Metric
	// NotEnoughData lists scopes the module skipped for a sample below
	// Thresholds.MinSample, each as "scope: reason" (shown in coverage).
	NotEnoughData []string
}

// Severity of a finding.
const (
	Info     = "info"
	Warn     = "warn"
	Critical = "critical"
)

// Finding is one detected pattern instance.
type Finding struct {
	Pattern     string   `json:"pattern"`
	Severity    string   `json:"severity"`
	Team        string   `json:"team"`
	SubjectKind string   `json:"subject_kind"` // team, person, team_pair, repo, item
	Subject     string   `json:"subject"`
	Score       float64  `json:"score"` // 0..1, higher is stronger
	Summary     string   `json:"summary"`
	Evidence    Evidence `json:"evidence"`
}

// Evidence backs a finding with the measured values and the items involved.
type Evidence struct {
	Values map[string]float64 `json:"values,omitempty"`
	Items  []EvidenceItem     `json:"items,omitempty"`
	// People are person ids (pseudonymised by the reports, never here).
	People []string `json:"people,omitempty"`
	// Episode is the stretch the finding is about, for families that
	// measure over time: when it started, peaked and ended (or goes on).
	Episode *Episode `json:"episode,omitempty"`
	// Timeline is the measure's series around it (one point per week).
	Timeline []Point `json:"timeline,omitempty"`
	// Trend compares the finding with the previous period of the same
	// length: new, ongoing, better, worse (resolved findings are listed by
	// Summary.Resolved).
	Trend string `json:"trend,omitempty"`
}

// EvidenceItem is one item behind a finding.
type EvidenceItem struct {
	Key   string  `json:"key"`
	URL   string  `json:"url,omitempty"`
	Value float64 `json:"value,omitempty"`
	Note  string  `json:"note,omitempty"`
}

// Metric is one measured value for a scope and period.
type Metric struct {
	ScopeKind string // org, team, person, repo, team_pair
	Scope     string // team name, person id, owner/repo, "waiting/blocking"
	Metric    string // see METRICS in doc.go
	Period    string // "2026-10" (month), "2026-W41" (ISO week) or "all" (the window)
	Value     float64
	N         int // sample size behind the value
}

var modules = map[string]Module{}

// Register adds a module; each module file calls it from init.
func Register(m Module) {
	if _, dup := modules[m.Name()]; dup {
		panic("analysis: module registered twice: " + m.Name())
	}
	modules[m.Name()] = m
}

// Modules returns the registered modules sorted by name.
func Modules() []Module {
	var ms []Module
	for _, m := range modules {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name() < ms[j].Name() })
	return ms
}

// Lookup returns the module named name.
func Lookup(name string) (Module, error) {
	m, ok := modules[name]
	if !ok {
		var names []string
		for _, m := range Modules() {
			names = append(names, m.Name())
		}
		return nil, fmt.Errorf("unknown pattern %q; use one of: %s", name, strings.Join(names, ", "))
	}
	return m, nil
}
