package reports

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/systemic-dev/systemic/internal/config"
)

// DecisionResult is one decision right against the decisions observed.
type DecisionResult struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Owners      []string `json:"owners"`
	SLAHours    float64  `json:"sla_hours"`
	Verdict     string   `json:"verdict"`
	Reason      string   `json:"reason"`
	NotMeasured string   `json:"not_measured,omitempty"`
	Decided     int      `json:"decided"`       // decisions taken in the period
	Open        int      `json:"open"`          // waiting at the end of the period
	OpenOverSLA int      `json:"open_over_sla"` // of those, waiting longer than the SLA
	OwnerShare  float64  `json:"owner_share"`   // 0..1 of Decided taken by an owner
	P50Hours    float64  `json:"p50_hours"`
	P85Hours    float64  `json:"p85_hours"`
	// Others are the people who decided instead of the owners, with counts
	// (decision-rights drift).
	Others []Count `json:"others"`
}

// Count is a name with a number.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// personID is the config's rule: lowercased, non-alphanumerics to "-".
func personID(name string) string {
	return strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// isOwner matches a decider (a person id) against the owners as written in
// the plan: the person id itself, or a first name ("carol" owns
// "carol-diaz").
func isOwner(decider string, owners []string) bool {
	for _, o := range owners {
		id := personID(o)
		if id != "" && (decider == id || strings.HasPrefix(decider, id+"-")) {
			return true
		}
	}
	return false
}

func (m *model) decision(ctx context.Context, d config.DecisionRight) (DecisionResult, error) {
	sla := d.SLA.D()
	if sla == 0 {
		sla = m.opts.Thresholds.DecisionSLA.D()
	}
	res := DecisionResult{ID: d.ID, Title: d.Title, SLAHours: sla.Hours(), Others: []Count{}}
	for _, o := range d.Owners {
		res.Owners = append(res.Owners, m.names.Owner(personID(o), o))
	}
	why, ok := m.need("v_decisions", "decision rights")
	if !ok {
		res.Verdict, res.Reason, res.NotMeasured = Unknown, why, why
		return res, nil
	}
	cond, args := decisionMatch(d.Match)
	q := `SELECT coalesce(d.decider, ''), coalesce(d.hours, (epoch(?::TIMESTAMPTZ) - epoch(d.entered_at)) / 3600),
	d.decided_at IS NOT NULL AND d.decided_at < ? AND NOT coalesce(d.open, false) AS decided,
	coalesce(d.decided_at >= ?, false) AS in_period
FROM v_decisions d JOIN items i ON i.item_id = d.item_id
WHERE d.entered_at < ? AND (d.decided_at IS NULL OR d.decided_at >= ?) AND ` + cond
	rows, err := m.db.QueryContext(ctx, q, append([]any{m.asOf, m.opts.To, m.opts.From, m.opts.To, m.opts.From}, args...)...)
	if err != nil {
		res.Verdict, res.NotMeasured = Unknown, fmt.Sprintf("decision rights: not measured: %v", err)
		res.Reason = res.NotMeasured
		return res, m.soft(ctx, "decision rights", err)
	}
	defer rows.Close()
	var hours []float64
	owned := 0
	others := map[string]int{}
	for rows.Next() {
		var decider string
		var h float64
		var decided, inPeriod bool
		if err := rows.Scan(&decider, &h, &decided, &inPeriod); err != nil {
			return res, fmt.Errorf("decisions %s: %w", d.ID, err)
		}
		switch {
		case !decided:
			res.Open++
			if h > sla.Hours() {
				res.OpenOverSLA++
			}
		case inPeriod:
			res.Decided++
			hours = append(hours, h)
			if isOwner(decider, d.Owners) {
				owned++
			} else {
				others[m.names.Name(decider)]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.Others = sortedCounts(others)
	sort.Float64s(hours)
	if res.Decided > 0 {
		res.OwnerShare = round(float64(owned)/float64(res.Decided), 3)
		res.P50Hours, res.P85Hours = round(quantile(hours, 0.5), 1), round(quantile(hours, 0.85), 1)
	}
	res.Verdict, res.Reason = decisionVerdict(res)
	return res, nil
}

// decisionMatch is the SQL condition of a decision right's match.
func decisionMatch(mt config.Match) (string, []any) {
	var alts []string
	var args []any
	if len(mt.States) > 0 {
		alts = append(alts, "lower(d.state) IN ("+placeholders(len(mt.States))+")")
		for _, s := range mt.States {
			args = append(args, strings.ToLower(s))
		}
	}
	for _, l := range mt.Labels {
		alts = append(alts, "list_contains(i.labels, ?)")
		args = append(args, l)
	}
	if len(alts) == 0 {
		alts = []string{"true"}
	}
	cond := "(" + strings.Join(alts, " OR ") + ")"
	if len(mt.Projects) > 0 {
		cond += " AND i.container IN (" + placeholders(len(mt.Projects)) + ")"
		for _, p := range mt.Projects {
			args = append(args, p)
		}
	}
	return cond, args
}

func decisionVerdict(r DecisionResult) (string, string) {
	sla := fmt.Sprintf("SLA %s", hoursText(r.SLAHours))
	switch {
	case r.Decided == 0 && r.OpenOverSLA > 0:
		return OffTrack, fmt.Sprintf("no decision taken; %d waiting longer than the %s", r.OpenOverSLA, sla)
	case r.Decided == 0:
		return Unknown, fmt.Sprintf("no decisions observed in the period (%d open)", r.Open)
	case r.P50Hours > r.SLAHours:
		return OffTrack, fmt.Sprintf("half the decisions took over %s against the %s", hoursText(r.P50Hours), sla)
	case r.P85Hours > r.SLAHours:
		return AtRisk, fmt.Sprintf("median %s meets the %s, but 15%% took over %s", hoursText(r.P50Hours), sla, hoursText(r.P85Hours))
	case r.OwnerShare < 0.8:
		return AtRisk, fmt.Sprintf("decided in time, but owners took only %.0f%% of %d decisions (drift)", 100*r.OwnerShare, r.Decided)
	}
	return OnTrack, fmt.Sprintf("%d decisions, 85%% within %s (%s), %.0f%% by the owners", r.Decided, hoursText(r.P85Hours), sla, 100*r.OwnerShare)
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

// hoursText shows hours the way people say them: 36h, 2.5d.
func hoursText(h float64) string {
	if h >= 48 {
		return fmt.Sprintf("%.1fd", h/24)
	}
	return fmt.Sprintf("%.0fh", h)
}
