package reports

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
)

// Report is the plan-vs-observed model every format renders; its JSON form
// is report.json.
type Report struct {
	SchemaVersion int         `json:"schema_version"`
	Title         string      `json:"title"`
	GeneratedAt   string      `json:"generated_at"`
	Period        PeriodInfo  `json:"period"`
	Headline      Headline    `json:"headline"`
	Findings      []Finding   `json:"findings"`
	Plan          PlanResult  `json:"plan"`
	Metrics       []Metric    `json:"metrics"`
	Interaction   Interaction `json:"interaction"`
	Health        Health      `json:"health"`
	Coverage      Coverage    `json:"coverage"`
	// Analysis is the run the findings and metrics come from: always the
	// report's own window.
	Analysis AnalysisInfo `json:"analysis"`
	// Glossary defines every metric the report shows, from the registry.
	Glossary []GlossaryEntry `json:"glossary"`
	// Audience is "room" for the room-safe view (see AudienceRoom), else
	// empty.
	Audience string `json:"audience,omitempty"`
	// SeverityRules state the severity ladder, the trend rule and the
	// minimum episodes the findings follow.
	SeverityRules []string `json:"severity_rules"`
}

// AnalysisInfo identifies the analysis behind a report's findings and
// metrics; From and To equal the report's period.
type AnalysisInfo struct {
	RunID string `json:"run_id,omitempty"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	// HoursPerWorkingDay converts the working hours of *_hours values into
	// the working days the report shows.
	HoursPerWorkingDay float64 `json:"hours_per_working_day"`
}

// PeriodInfo is the report window; To is exclusive.
type PeriodInfo struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label,omitempty"`
}

// Headline counts what the first screen shows.
type Headline struct {
	Goals        map[string]int `json:"goals"`        // verdict -> goals
	Dependencies map[string]int `json:"dependencies"` // verdict -> dependencies
	Decisions    map[string]int `json:"decisions"`
	Agreements   map[string]int `json:"agreements"`
	Findings     map[string]int `json:"findings"` // severity -> findings
	// Coverage is "complete", or which sources the data is missing (see
	// Coverage.Warnings).
	Coverage string `json:"coverage"`
}

// Finding is an analysis finding as reported: people pseudonymised, placed
// in a layer (content or interaction) and ranked.
type Finding struct {
	Rank        int               `json:"rank"`
	Layer       string            `json:"layer"`
	Pattern     string            `json:"pattern"`
	Severity    string            `json:"severity"`
	Team        string            `json:"team"`
	SubjectKind string            `json:"subject_kind"`
	Subject     string            `json:"subject"`
	Score       float64           `json:"score"`
	Summary     string            `json:"summary"`
	Evidence    analysis.Evidence `json:"evidence"`
	// Plan lists the plan entries the finding is about; a finding with
	// none is one "nobody planned for".
	Plan []PlanRef `json:"plan,omitempty"`
	// Reflection is the finding's reading, questions and experiments for
	// a workshop (reflections.yaml).
	Reflection *Reflection `json:"reflection,omitempty"`
}

// Metric is one metric of the analyze run behind the report.
type Metric struct {
	ScopeKind string  `json:"scope_kind"`
	Scope     string  `json:"scope"`
	Metric    string  `json:"metric"`
	Period    string  `json:"period"`
	Value     float64 `json:"value"`
	N         int     `json:"n"`
}

// Verdicts of plan items, best first.
const (
	Done     = "done"
	OnTrack  = "on track"
	AtRisk   = "at risk"
	OffTrack = "off track"
	Unknown  = "unknown"
)

// Verdicts lists the verdicts in display order.
var Verdicts = []string{OffTrack, Late, AtRisk, OnTrack, Done, Unknown}

// model is the state of one Build.
type model struct {
	db     *sql.DB
	st     *store.Store
	opts   Options
	asOf   time.Time // min(To, Now): progress and forecasts as of then
	names  *Pseudonyms
	views  map[string]bool
	runID  string
	report *Report
}

func newModel(ctx context.Context, st *store.Store, opts Options) (*model, error) {
	m := &model{db: st.DB(), st: st, opts: opts, asOf: opts.To}
	if opts.Now.Before(m.asOf) {
		m.asOf = opts.Now
	}
	views, err := tableNames(ctx, m.db)
	if err != nil {
		return nil, err
	}
	m.views = views
	if m.names, err = loadPseudonyms(ctx, m.db, opts.Salt, opts.Names); err != nil {
		return nil, err
	}
	if opts.Audience == AudienceRoom {
		if m.names.room, err = loadRoles(ctx, m.db); err != nil {
			return nil, err
		}
	}
	title := opts.Title
	if title == "" {
		title = "Systemic report"
	}
	m.report = &Report{SchemaVersion: SchemaVersion, Title: title, GeneratedAt: opts.Now.UTC().Format(time.RFC3339),
		Period:   PeriodInfo{From: day(opts.From), To: day(opts.To), Label: opts.Period},
		Findings: []Finding{}, Metrics: []Metric{}}
	return m, nil
}

func (m *model) build(ctx context.Context) (*Report, error) {
	steps := []func(context.Context) error{m.loadRun, m.loadFindings, m.loadMetrics, m.planResults,
		m.interaction, m.health, m.coverage}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	m.link()
	if err := m.reflect(); err != nil {
		return nil, err
	}
	m.glossary()
	m.report.SeverityRules = severityRules()
	m.headline()
	if m.opts.Audience == AudienceRoom {
		m.roomView()
	}
	return m.report, nil
}

// tableNames lists the tables and views of the database.
func tableNames(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables`)
	if err != nil {
		return nil, fmt.Errorf("list views: %w", err)
	}
	defer rows.Close()
	names := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names[n] = true
	}
	return names, rows.Err()
}

// need reports whether view exists; when not, it records what could not be
// measured and why, and the caller degrades.
func (m *model) need(view, what string) (string, bool) {
	if m.views[view] {
		return "", true
	}
	why := fmt.Sprintf("%s: not measured: %s is not in the store (run `systemic analyze` with this version)", what, view)
	m.notMeasured(why)
	return why, false
}

// soft turns a failing query over an analysis view (a view from another
// version of systemic, say) into a not-measured note: one section missing
// beats no report. Cancellation stays an error.
func (m *model) soft(ctx context.Context, what string, err error) error {
	if err == nil || ctx.Err() != nil {
		return err
	}
	m.notMeasured(fmt.Sprintf("%s: not measured: %v", what, err))
	return nil
}

func (m *model) notMeasured(why string) {
	for _, w := range m.report.Coverage.NotMeasured {
		if w == why {
			return
		}
	}
	m.report.Coverage.NotMeasured = append(m.report.Coverage.NotMeasured, why)
}

// loadRun picks the analysis run of exactly this window: findings and
// metrics of another window are never shown.
func (m *model) loadRun(ctx context.Context) error {
	id := analysis.RunID(m.opts.From, m.opts.To)
	a := &m.report.Analysis
	a.HoursPerWorkingDay = m.opts.Calendar.HoursPerDay()
	var from, to sql.NullTime
	err := m.db.QueryRowContext(ctx, `SELECT run_id, from_ts, to_ts FROM runs WHERE run_id = ?`, id).
		Scan(&m.runID, &from, &to)
	if err == sql.ErrNoRows {
		m.notMeasured("findings and metrics: not measured: this period " + id + " has not been analysed (`systemic report` analyses it)")
		return nil
	}
	if err != nil {
		return fmt.Errorf("find analyze run: %w", err)
	}
	m.report.Coverage.Run = m.runID
	a.RunID, a.From, a.To = m.runID, day(from.Time), day(to.Time)
	return nil
}

var severityRank = map[string]int{analysis.Critical: 0, analysis.Warn: 1, analysis.Info: 2}

// layerOf places a pattern in a layer of systemic planning.
func layerOf(pattern string) string {
	switch pattern {
	case "approval_bottleneck", "decision_latency", "handoff_churn", "silo":
		return "interaction"
	}
	return "content"
}

func (m *model) loadFindings(ctx context.Context) error {
	if m.runID == "" {
		return nil
	}
	rows, err := m.db.QueryContext(ctx, `SELECT pattern, severity, coalesce(team, ''), coalesce(subject_kind, ''),
	coalesce(subject, ''), coalesce(score, 0), coalesce(summary, ''), coalesce(CAST(evidence AS TEXT), '{}')
FROM findings WHERE run_id = ? ORDER BY ALL`, m.runID)
	if err != nil {
		return fmt.Errorf("read findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f Finding
		var ev string
		if err := rows.Scan(&f.Pattern, &f.Severity, &f.Team, &f.SubjectKind, &f.Subject, &f.Score, &f.Summary, &ev); err != nil {
			return fmt.Errorf("read findings: %w", err)
		}
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			return fmt.Errorf("finding %s %s: evidence: %w", f.Pattern, f.Subject, err)
		}
		if f.SubjectKind == "person" {
			f.Subject = m.names.Name(f.Subject)
		}
		for i, p := range f.Evidence.People {
			f.Evidence.People[i] = m.names.Name(p)
		}
		f.Layer, f.Score = layerOf(f.Pattern), round(f.Score, 3)
		m.report.Findings = append(m.report.Findings, f)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sortFindings(m.report.Findings)
	return nil
}

// sortFindings ranks findings: gravest first, then strongest, then by
// name so ties read the same every time.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if severityRank[a.Severity] != severityRank[b.Severity] {
			return severityRank[a.Severity] < severityRank[b.Severity]
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return cmp.Or(cmp.Compare(a.Pattern, b.Pattern), cmp.Compare(a.Team, b.Team),
			cmp.Compare(a.SubjectKind, b.SubjectKind), cmp.Compare(a.Subject, b.Subject)) < 0
	})
	for i := range fs {
		fs[i].Rank = i + 1
	}
}

func (m *model) loadMetrics(ctx context.Context) error {
	if m.runID == "" {
		return nil
	}
	rows, err := m.db.QueryContext(ctx, `SELECT scope_kind, scope, metric, period, coalesce(value, 'NaN'::DOUBLE), coalesce(n, 0)
FROM metrics WHERE run_id = ? ORDER BY scope_kind, scope, metric, period`, m.runID)
	if err != nil {
		return fmt.Errorf("read metrics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Metric
		if err := rows.Scan(&x.ScopeKind, &x.Scope, &x.Metric, &x.Period, &x.Value, &x.N); err != nil {
			return fmt.Errorf("read metrics: %w", err)
		}
		if math.IsNaN(x.Value) || math.IsInf(x.Value, 0) {
			continue
		}
		if x.ScopeKind == "person" {
			x.Scope = m.names.Name(x.Scope)
		}
		x.Value = round(x.Value, 4)
		m.report.Metrics = append(m.report.Metrics, x)
	}
	return rows.Err()
}

func (m *model) headline() {
	h := Headline{Goals: map[string]int{}, Dependencies: map[string]int{}, Decisions: map[string]int{},
		Agreements: map[string]int{}, Findings: map[string]int{}}
	p := m.report.Plan
	for _, g := range p.Goals {
		h.Goals[g.Verdict]++
	}
	for _, d := range p.Dependencies {
		h.Dependencies[d.Verdict]++
	}
	for _, d := range p.Decisions {
		h.Decisions[d.Verdict]++
	}
	for _, a := range p.Agreements {
		h.Agreements[a.Verdict]++
	}
	for _, f := range m.report.Findings {
		h.Findings[f.Severity]++
	}
	h.Coverage = m.report.Coverage.headline()
	m.report.Headline = h
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// quantile returns the q quantile of sorted xs (linear interpolation).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}
