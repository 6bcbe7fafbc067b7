package reports

import (
	"context"
	"fmt"
	"sort"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// DecisionResult is one decision right against the decisions observed, as
// analysis.DecisionStats measures it: latencies and the SLA are in working
// hours (the calendar's working day, like the decision_latency findings).
type DecisionResult struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Owners      []string `json:"owners"`
	SLAHours    float64  `json:"sla_hours"` // working hours (24h of SLA = one working day)
	Verdict     string   `json:"verdict"`
	Reason      string   `json:"reason"`
	NotMeasured string   `json:"not_measured,omitempty"`
	Decided     int      `json:"decided"`       // decisions taken in the period
	Open        int      `json:"open"`          // waiting at the end of the period
	OpenOverSLA int      `json:"open_over_sla"` // of those, waiting longer than the SLA
	OwnerShare  float64  `json:"owner_share"`   // 0..1 of Decided taken by an owner
	P50Hours    float64  `json:"p50_hours"`     // working hours
	P85Hours    float64  `json:"p85_hours"`     // working hours
	// Others are the people who decided instead of the owners, with counts
	// (decision-rights drift).
	Others []Count `json:"others"`
	// WithinSLA counts the decisions taken within the SLA.
	WithinSLA int `json:"within_sla"`
	// WorkDayHours is the working day the hours are counted in.
	WorkDayHours float64 `json:"work_day_hours"`
	// Findings are the decision findings about this right.
	Findings []string `json:"findings,omitempty"`
}

// Days shows working hours h as working days, one decimal.
func (r DecisionResult) Days(h float64) string {
	return fmt.Sprintf("%.1f", h/r.day())
}

func (r DecisionResult) day() float64 {
	if r.WorkDayHours <= 0 {
		return 8
	}
	return r.WorkDayHours
}

// workText says working hours h in working days, the one unit of every
// wait in the report and the findings: "0.6 working days".
func (r DecisionResult) workText(h float64) string {
	return workDays(h, r.day())
}

// Count is a name with a number.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// decisionViews are what analysis.DecisionStats reads besides the base
// tables (and the macros analyze defines).
var decisionViews = []string{"v_status_intervals", "v_people", "v_identity"}

func (m *model) decision(ctx context.Context, d config.DecisionRight) (DecisionResult, error) {
	res := DecisionResult{ID: d.ID, Title: d.Title, Others: []Count{}, WorkDayHours: m.opts.Calendar.HoursPerDay()}
	sla := d.SLA
	if sla == 0 {
		sla = m.opts.Thresholds.DecisionSLA
	}
	res.SLAHours = round(sla.D().Hours()/24*res.WorkDayHours, 2)
	for _, o := range d.Owners {
		res.Owners = append(res.Owners, m.names.Owner(store.PersonID(o), o))
	}
	for _, v := range decisionViews {
		if why, ok := m.need(v, "decision rights"); !ok {
			res.Verdict, res.Reason, res.NotMeasured = Unknown, why, why
			return res, nil
		}
	}
	st, err := analysis.DecisionStats(ctx, m.env(), d)
	if err != nil {
		res.Verdict, res.NotMeasured = Unknown, fmt.Sprintf("decision rights: not measured: %v", err)
		res.Reason = res.NotMeasured
		return res, m.soft(ctx, "decision rights", err)
	}
	res.SLAHours, res.Decided, res.Open, res.OpenOverSLA = st.SLAHours, st.Decisions, st.Open, st.OpenOverSLA
	res.WithinSLA, res.OwnerShare = st.WithinSLA, round(st.OwnerShare, 3)
	res.P50Hours, res.P85Hours = round(st.P50Hours, 1), round(st.P85Hours, 1)
	res.Others = m.others(st)
	res.Verdict, res.Reason = decisionVerdict(res)
	return res, nil
}

// env is the analysis environment of the report's window; open decisions
// are aged up to the earlier of its end and now, as everywhere in reports.
func (m *model) env() *analysis.Env {
	return &analysis.Env{DB: m.db, Thresholds: m.opts.Thresholds, Calendar: m.opts.Calendar,
		From: m.opts.From, To: m.opts.To, Now: m.opts.Now}
}

// others are who decided instead of the owners, pseudonymised, with
// their counts; decisions without a recorded decider count as "unknown".
func (m *model) others(st analysis.DecisionStat) []Count {
	counts := map[string]int{}
	for id, n := range st.DriftBy {
		name := "unknown"
		if id != "" {
			name = m.names.Name(id)
		}
		counts[name] += n
	}
	return sortedCounts(counts)
}

func decisionVerdict(r DecisionResult) (string, string) {
	sla := "SLA of " + r.workText(r.SLAHours)
	switch {
	case r.Decided == 0 && r.OpenOverSLA > 0:
		return OffTrack, fmt.Sprintf("no decision taken; %d waiting longer than the %s", r.OpenOverSLA, sla)
	case r.Decided == 0:
		return Unknown, fmt.Sprintf("no decisions observed in the period (%d open)", r.Open)
	case r.P50Hours > r.SLAHours:
		return OffTrack, fmt.Sprintf("half the decisions took over %s against the %s; %d of %d within it",
			r.workText(r.P50Hours), sla, r.WithinSLA, r.Decided)
	case r.P85Hours > r.SLAHours:
		return AtRisk, fmt.Sprintf("median %s meets the %s, but 15%% took over %s", r.workText(r.P50Hours), sla, r.workText(r.P85Hours))
	case r.OwnerShare < 0.8:
		return AtRisk, fmt.Sprintf("decided in time, but owners took only %.0f%% of %s (drift)", 100*r.OwnerShare, plural(r.Decided, "decision", "decisions"))
	}
	return OnTrack, fmt.Sprintf("%s, 85%% within %s (%s), %.0f%% by the owners", plural(r.Decided, "decision", "decisions"), r.workText(r.P85Hours), sla, 100*r.OwnerShare)
}

func sortedCounts(m map[string]int) []Count {
	cs := []Count{}
	for k, v := range m {
		cs = append(cs, Count{k, v})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].N != cs[j].N {
			return cs[i].N > cs[j].N
		}
		return cs[i].Name < cs[j].Name
	})
	return cs
}

// optWorkDays is workDays, or "not enough data" for a value not measured.
func optWorkDays(h *float64, perDay float64) string {
	if h == nil {
		return "not enough data"
	}
	return workDays(*h, perDay)
}

// workDays shows working hours as working days, the one unit the report
// gives every wait in: "2.5 working days".
func workDays(h, perDay float64) string {
	if perDay <= 0 {
		perDay = 8
	}
	return fmt.Sprintf("%.1f working days", h/perDay)
}
