package analysis

import (
	"context"
	"fmt"
	"strings"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// DecisionStat is what was observed for one decision right of the plan
// over a window: the decisions it covers taken in the window, their
// latency in working hours against the right's SLA, the share taken by
// the named owners and the decision-rights drift (decisions taken by
// someone else).
type DecisionStat struct {
	Decisions  int     // decided in the window
	ByOwners   int     // ... by one of the owners
	OwnerShare float64 // ByOwners / Decisions (0 without decisions)
	WithinSLA  int
	P50Hours   float64 // working hours; 0 without decisions
	P85Hours   float64
	SLAHours   float64 // the SLA in working hours
	// Open decisions were still waiting at the window's end (or env.Now
	// when earlier); OpenOverSLA of them already longer than the SLA.
	Open, OpenOverSLA int
	// Deciders counts decisions per person id (reports pseudonymise them).
	Deciders map[string]int
	// DriftBy counts the decisions taken by someone other than the owners
	// per decider's person id ("" when no decider was recorded); unlike
	// Drift it is complete.
	DriftBy map[string]int
	// Drift lists decisions taken by someone other than the owners (Note:
	// the decider's person id); Late those over the SLA and open ones past
	// it. Both at most 20, largest first, one entry per item (its longest
	// wait).
	Drift, Late []EvidenceItem
}

// DecisionStats measures a plan's decision right over env's window from
// the derived facts (Prepare must have run on env.DB). The right's items
// are those in one of Match.States or carrying one of Match.Labels (the
// default decision states and labels when it names neither), within
// Match.Projects when given. Owners match a decider by person name (as in
// config people), login, display name, person id, first name (see
// OwnerID) or team name. Decisions taken by bots are left out, as in
// decision_latency. A zero SLA falls back on env.Thresholds.DecisionSLA.
func DecisionStats(ctx context.Context, env *Env, right config.DecisionRight) (DecisionStat, error) {
	statePred, labelPred := "s.state_class = 'decision'", "decision_label(label)"
	if len(right.Match.States)+len(right.Match.Labels) > 0 {
		statePred = "lower(s.status) IN (" + sqlList(right.Match.States) + ")"
		labelPred = "label IN (" + sqlList(right.Match.Labels) + ")"
	}
	where := ""
	if len(right.Match.Projects) > 0 {
		where = " AND lower(d.container) IN (" + sqlList(right.Match.Projects) + ")"
	}
	sla := right.SLA
	if sla == 0 {
		sla = WithDefaults(env.Thresholds).DecisionSLA
	}
	owners, err := ownerPeople(ctx, env, right.Owners)
	if err != nil {
		return DecisionStat{}, fmt.Errorf("decision right %s: %w", right.ID, err)
	}
	st := DecisionStat{SLAHours: round2(workThreshold(env, sla)), Deciders: map[string]int{}, DriftBy: map[string]int{}}
	q := `WITH d AS (` + decisionsSQL(statePred, labelPred) + `)
SELECT d.key, coalesce(d.url, ''), coalesce(d.decider, ''), open_at_end,
	CASE WHEN open_at_end THEN work_hours(d.entered_at, least($2::TIMESTAMPTZ, $3::TIMESTAMPTZ)) ELSE d.work_hours END,
	coalesce(lower(d.decider) IN (` + ownerIDs(owners) + `)
		OR lower(p.team) IN (` + sqlList(right.Owners) + `), false) AS by_owner
FROM (SELECT *, entered_at < $2 AND (decided_at IS NULL OR decided_at >= $2) AS open_at_end FROM d) d
LEFT JOIN v_people p ON p.person_id = d.decider
WHERE (open_at_end OR NOT coalesce(p.is_bot, false)) AND ((NOT open_at_end AND d.decided_at >= $1 AND d.decided_at < $2) OR open_at_end)` + where + `
ORDER BY d.key, d.entered_at`
	var hs []float64
	err = queryEach(ctx, env.DB, q, windowArgs(env), func(scan func(...any) error) error {
		var it EvidenceItem
		var decider string
		var open, byOwner bool
		if err := scan(&it.Key, &it.URL, &decider, &open, &it.Value, &byOwner); err != nil {
			return err
		}
		it.Value = round2(it.Value)
		st.add(it, decider, open, byOwner)
		if !open {
			hs = append(hs, it.Value)
		}
		return nil
	})
	if err != nil {
		return DecisionStat{}, fmt.Errorf("decision right %s: %w", right.ID, err)
	}
	if len(hs) > 0 {
		st.P50Hours, st.P85Hours = round2(Median(hs)), round2(Quantile(hs, 0.85))
		st.OwnerShare = round2(float64(st.ByOwners) / float64(st.Decisions))
	}
	st.Drift, st.Late = topItems(onePerKey(st.Drift, false), 20), topItems(onePerKey(st.Late, true), 20)
	return st, nil
}

func (st *DecisionStat) add(it EvidenceItem, decider string, open, byOwner bool) {
	late := it.Value > st.SLAHours
	if open {
		st.Open++
		if late {
			st.OpenOverSLA++
			it.Note = "still waiting"
			st.Late = append(st.Late, it)
		}
		return
	}
	st.Decisions++
	if decider != "" {
		st.Deciders[decider]++
	}
	if byOwner {
		st.ByOwners++
	} else {
		st.DriftBy[decider]++
		st.Drift = append(st.Drift, EvidenceItem{Key: it.Key, URL: it.URL, Value: it.Value, Note: decider})
	}
	if late {
		st.Late = append(st.Late, it)
	} else {
		st.WithinSLA++
	}
}

// ownerPeople adds to owners the person each one names by first name
// (OwnerID over the people v_people knows), so that "carol" owns the
// decisions of "carol-diaz" as the report shows her as the owner.
func ownerPeople(ctx context.Context, env *Env, owners []string) ([]string, error) {
	if len(owners) == 0 {
		return nil, nil
	}
	var known []string
	err := queryEach(ctx, env.DB, `SELECT person_id FROM v_people WHERE person_id IS NOT NULL ORDER BY 1`, nil,
		func(scan func(...any) error) error {
			var id string
			if err := scan(&id); err != nil {
				return err
			}
			known = append(known, id)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("owners: %w", err)
	}
	out := append([]string{}, owners...)
	for _, o := range owners {
		if id, ok := OwnerID(known, store.PersonID(o)); ok {
			out = append(out, id)
		}
	}
	return out, nil
}

// OwnerID is the person an owner id written in a plan names among the
// known person ids: the id itself when known, else the one person whose
// id starts with it followed by "-" ("carol" is "carol-diaz"). Two such
// people, or none, name nobody.
func OwnerID(known []string, id string) (string, bool) {
	match, ambiguous := "", false
	for _, k := range known {
		switch {
		case k == id:
			return k, true
		case id != "" && strings.HasPrefix(k, id+"-"):
			ambiguous = ambiguous || (match != "" && match != k)
			match = k
		}
	}
	if match == "" || ambiguous {
		return "", false
	}
	return match, true
}

// ownerIDs is a SQL list of the person ids the owners may be: the name as
// config people turn it into an id, the value itself, and the people whose
// login or display name it is.
func ownerIDs(owners []string) string {
	var ids []string
	for _, o := range owners {
		ids = append(ids, store.PersonID(o), o)
	}
	return sqlList(ids) + `) OR d.decider IN (SELECT person_id FROM v_identity
		WHERE lower(login) IN (` + sqlList(owners) + `) OR lower(display_name) IN (` + sqlList(owners) + `)`
}

// sqlList quotes values lowercased as a SQL list (NULL when empty, which
// matches nothing).
func sqlList(values []string) string {
	if len(values) == 0 {
		return "NULL"
	}
	var q []string
	for _, v := range values {
		q = append(q, sqlString(strings.ToLower(strings.TrimSpace(v))))
	}
	return strings.Join(q, ", ")
}
