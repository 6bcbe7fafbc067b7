package synth

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// GroundTruth lists the patterns planted in a generated organisation.
type GroundTruth struct {
	Seed        uint64    `json:"seed"`
	ControlTeam string    `json:"control_team"`
	Patterns    []Pattern `json:"patterns"`
}

// Pattern is one planted pattern, named as analysis findings name it.
type Pattern struct {
	Family      string   `json:"family"`
	Team        string   `json:"team"`
	SubjectKind string   `json:"subject_kind"`
	Subject     string   `json:"subject"`
	Items       []string `json:"items"`
	Note        string   `json:"note"`
	// Start and End bound the planted behaviour (End is exclusive; the
	// simulated "now" while it still goes on). MinDays is the family's
	// minimum episode duration in working days: a window that overlaps
	// the behaviour by at least that many working days should find it.
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	MinDays int       `json:"min_days"`
}

// minDays is each family's minimum episode duration in working days, as
// the analysis documents it (analysis.MinEpisodeDays).
var minDays = map[string]int{
	"wip_overload": 10, "stalled_commitment": 20, "approval_bottleneck": 15, "dependency_delay": 10,
	"decision_latency": 10, "handoff_churn": 10, "ownership_gap": 10, "scope_churn": 10, "silo": 10,
}

// Overlaps says whether the behaviour overlaps [from, to) by at least its
// minimum duration in working days (Monday to Friday).
func (p Pattern) Overlaps(from, to time.Time) bool {
	a, b := maxTime(from, p.Start), minTime(to, p.End)
	n := 0
	for d := a; d.Before(b); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n >= p.MinDays
}

// maxTruthItems caps the item lists of ground_truth.json for big specs.
const maxTruthItems = 200

// truth collects the evidence of the planted patterns while the
// simulation runs. It holds keys of planted items only, never the org.
type truth struct {
	end                               time.Time
	decisions                         []string
	decisionHours                     []float64
	churn                             []string
	churnChanges                      []float64
	carried                           []string
	carriedCommitted, mobileCommitted int
	waiting, blockers                 []string
	blockerAt                         []time.Time
	delivered                         []string // platform stories done in time, for the kept plan dependency
	deliveredAt                       time.Time
	waitHours                         []float64
	wipItems                          []string
	wip                               [][2]time.Time
	bottleneckPRs, siloPRs            []string
	pickupHours                       []float64
	bottleneckReq, teamReqs           int
	siloReviews, repoReviews          int
}

func (tr *truth) blocker(blocker string, at time.Time) {
	tr.blockers = append(tr.blockers, blocker)
	tr.blockerAt = append(tr.blockerAt, at)
}

func (tr *truth) waited(key string, from, to time.Time) {
	if from.After(tr.end) {
		return
	}
	tr.waiting = append(tr.waiting, key)
	tr.waitHours = append(tr.waitHours, workHours(from, minTime(to, tr.end)))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// observe reads a simulated item's history, cut at the end, for evidence.
func (g *gen) observe(it *jiraItem, st state) {
	o, tr := g.org, &g.truth
	t := it.team.idx
	assignees, sprintChanges := 0, 0
	var awaitAt, progressAt time.Time
	owner := it.assignee
	for _, c := range it.changes {
		if c.at.After(g.spec.End) {
			break
		}
		for _, ci := range c.items {
			switch ci.Field {
			case "assignee":
				assignees++
				if !progressAt.IsZero() && owner == o.overloaded {
					tr.wip = append(tr.wip, [2]time.Time{progressAt, c.at})
					progressAt = time.Time{}
				}
				owner = -1
				if ci.To != nil {
					owner = g.byAccount[*ci.To]
				}
			case "Sprint":
				sprintChanges++
			case "status":
				switch slices.Index(statusIDs, *ci.To) {
				case stAwaiting:
					awaitAt = c.at
				case stInProgress:
					if progressAt.IsZero() && owner == o.overloaded {
						progressAt = c.at
					}
				case stInReview, stDone:
					if !progressAt.IsZero() {
						tr.wip = append(tr.wip, [2]time.Time{progressAt, c.at})
						progressAt = time.Time{}
					}
				}
				if !awaitAt.IsZero() && slices.Index(statusIDs, *ci.To) == stDone && c.actor == o.slowDecider {
					tr.decisions = append(tr.decisions, it.key())
					tr.decisionHours = append(tr.decisionHours, workHours(awaitAt, c.at))
					awaitAt = time.Time{}
				}
			}
		}
	}
	if !progressAt.IsZero() {
		tr.wip = append(tr.wip, [2]time.Time{progressAt, g.spec.End})
	}
	if it.assignee == o.overloaded || st.assignee == o.overloaded {
		tr.wipItems = append(tr.wipItems, it.key())
	}
	if t == teamPlatform && it.ty == tyStory && st.status == stDone && len(tr.delivered) < 3 &&
		st.resolved.After(g.spec.End.AddDate(0, 0, -70)) && st.resolved.Before(g.spec.End.AddDate(0, 0, -28)) {
		tr.delivered = append(tr.delivered, it.key())
		tr.deliveredAt = maxTime(tr.deliveredAt, st.resolved)
	}
	if t == teamPayments && assignees >= 4 {
		tr.churn = append(tr.churn, it.key())
		tr.churnChanges = append(tr.churnChanges, float64(assignees))
	}
	if t == teamMobile && sprintChanges >= 1 {
		tr.mobileCommitted++
		if sprintChanges >= 3 {
			tr.carried = append(tr.carried, it.key())
		}
		if sprintChanges >= 2 {
			tr.carriedCommitted++
		}
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// maxConcurrent is the most intervals open at once.
func maxConcurrent(iv [][2]time.Time) int {
	type edge struct {
		at time.Time
		d  int
	}
	var es []edge
	for _, v := range iv {
		es = append(es, edge{v[0], 1}, edge{v[1], -1})
	}
	slices.SortStableFunc(es, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.d - b.d
	})
	n, best := 0, 0
	for _, e := range es {
		n += e.d
		best = max(best, n)
	}
	return best
}

func capItems(keys []string) []string {
	keys = slices.Compact(slices.Clone(keys))
	if len(keys) > maxTruthItems {
		keys = keys[:maxTruthItems]
	}
	if keys == nil {
		return []string{}
	}
	return keys
}

// groundTruth assembles the planted patterns that exist in this spec.
func (g *gen) groundTruth() GroundTruth {
	o, tr := g.org, &g.truth
	gt := GroundTruth{Seed: g.spec.Seed, Patterns: []Pattern{}}
	if len(o.teams) > teamWeb {
		gt.ControlTeam = o.teams[teamWeb].Name
	}
	name := func(t int) string { return o.teams[t].Name }
	add := func(p Pattern) {
		p.Items = capItems(p.Items)
		if p.Start.IsZero() { // planted over the whole history
			p.Start, p.End = g.spec.Start(), g.spec.End
		}
		p.MinDays = minDays[p.Family]
		gt.Patterns = append(gt.Patterns, p)
	}
	if o.bottleneck >= 0 && len(o.teams) > teamGrowth {
		add(Pattern{Family: "approval_bottleneck", Team: name(teamPlatform), SubjectKind: "person", Subject: o.people[o.bottleneck].ID,
			Items: tr.bottleneckPRs, Note: fmt.Sprintf("received %d of %d review requests (%.0f%%) on %s and %s pull requests; median pickup %.1f working hours over %d requests",
				tr.bottleneckReq, tr.teamReqs, pct(tr.bottleneckReq, tr.teamReqs), name(teamPlatform), name(teamGrowth), median(tr.pickupHours), len(tr.pickupHours))})
	}
	if len(o.teams) > teamMobile {
		add(Pattern{Family: "stalled_commitment", Team: name(teamMobile), SubjectKind: "team", Subject: name(teamMobile), Items: tr.carried,
			Note: fmt.Sprintf("%d of %d sprint items carried over at least once, %d at least twice (listed)", tr.carriedCommitted, tr.mobileCommitted, len(tr.carried))})
	}
	if len(o.teams) > teamGrowth {
		add(Pattern{Family: "dependency_delay", Team: name(teamGrowth), SubjectKind: "team_pair", Subject: name(teamGrowth) + "/" + name(teamData),
			Items: append(slices.Clone(tr.waiting), tr.blockers...),
			Note:  fmt.Sprintf("%d %s items blocked by %s items (Blocked status, Flagged, blocks links); median wait %.1f working hours", len(tr.waiting), name(teamGrowth), name(teamData), median(tr.waitHours))})
	}
	if o.slowDecider >= 0 {
		add(Pattern{Family: "decision_latency", Team: name(teamPayments), SubjectKind: "person", Subject: o.people[o.slowDecider].ID, Items: tr.decisions,
			Note: fmt.Sprintf("%d items left Awaiting Approval when this person moved them, after a median %.1f working hours (SLA 2d)", len(tr.decisions), median(tr.decisionHours))})
		add(Pattern{Family: "handoff_churn", Team: name(teamPayments), SubjectKind: "team", Subject: name(teamPayments), Items: tr.churn,
			Note: fmt.Sprintf("%d items with 4 or more assignee changes (median %.0f) and 3-4 returns from In Review to In Progress", len(tr.churn), median(tr.churnChanges))})
	}
	if o.silo >= 0 {
		repo := g.spec.Owner + "/" + o.teams[teamData].Repo
		add(Pattern{Family: "silo", Team: name(teamData), SubjectKind: "repo", Subject: repo, Items: tr.siloPRs,
			Note: fmt.Sprintf("%d of %d submitted reviews (%.0f%%) by one person", tr.siloReviews, tr.repoReviews, pct(tr.siloReviews, tr.repoReviews))})
	}
	if o.overloaded >= 0 {
		add(Pattern{Family: "wip_overload", Team: name(teamData), SubjectKind: "person", Subject: o.people[o.overloaded].ID, Items: tr.wipItems,
			Note: fmt.Sprintf("up to %d items In Progress at once (four times the share of work, long items)", maxConcurrent(tr.wip))})
	}
	return gt
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
