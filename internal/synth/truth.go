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
	// Placement is where the generator put the stretch: "ended" (before
	// the last month), "ongoing" (to the end), "middle" (a quarter into
	// the history) or "whole" (the whole history: the silo).
	Placement string `json:"placement"`
}

// SettleDays is the settling margin of the absence rule, in working days:
// work started inside a stretch can still be open, waiting or carried for
// a while after it, and findings about it may still show.
const SettleDays = 10

// Absent says whether a window [from, to) must not find the pattern: it
// does not overlap the behaviour, widened by SettleDays working days on
// either side, at all.
func (p Pattern) Absent(from, to time.Time) bool {
	return !from.Before(addWorkdays(p.End, SettleDays)) || !to.After(addWorkdays(p.Start, -SettleDays))
}

// addWorkdays moves t by n working days (Monday to Friday), keeping the time of day.
func addWorkdays(t time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
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
	unreviewedPRs, scopeItems         []string
	scopeSprints                      []string
	// Spans of the bounded families as the generator produced them. The
	// GitHub fields are written by the GitHub goroutine, the others by
	// the Jira one.
	bottleneckSpan, unreviewedSpan, churnPRSpan           span
	stalledSpan, waitSpan, decisionSpan, churnSpan, scope span
}

// scopeChanged records an item added to or taken out of a running sprint
// of the scope stretch.
func (tr *truth) scopeChanged(key string, s sprint) {
	tr.scopeItems = append(tr.scopeItems, key)
	if !slices.Contains(tr.scopeSprints, s.Name) {
		tr.scopeSprints = append(tr.scopeSprints, s.Name)
	}
	tr.scope.add(s.Start, minTime(s.Complete, tr.end))
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
	tr.waitSpan.add(from, minTime(to, tr.end))
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
	var awaitAt, progressAt, firstAssign, lastChurn, firstSprint, lastSprint time.Time
	owner := it.assignee
	for _, c := range it.changes {
		if c.at.After(g.spec.End) {
			break
		}
		for _, ci := range c.items {
			switch ci.Field {
			case "assignee":
				assignees++
				if firstAssign.IsZero() {
					firstAssign = c.at
				}
				lastChurn = c.at
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
				if firstSprint.IsZero() {
					firstSprint = c.at
				}
				lastSprint = c.at
			case "status":
				switch slices.Index(statusIDs, *ci.To) {
				case stAwaiting:
					awaitAt = c.at
				case stInProgress:
					if progressAt.IsZero() && owner == o.overloaded {
						progressAt = c.at
					}
				case stInReview, stDone:
					if slices.Index(statusIDs, *ci.From) == stInReview {
						lastChurn = c.at // a return from review, or the end of it
					}
					if !progressAt.IsZero() {
						tr.wip = append(tr.wip, [2]time.Time{progressAt, c.at})
						progressAt = time.Time{}
					}
				}
				if !awaitAt.IsZero() && slices.Index(statusIDs, *ci.To) == stDone && c.actor == o.slowDecider {
					if h := workHours(awaitAt, c.at); h > decisionSLAHours {
						tr.decisions = append(tr.decisions, it.key())
						tr.decisionHours = append(tr.decisionHours, h)
						tr.decisionSpan.add(awaitAt, c.at)
					}
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
		tr.churnSpan.add(firstAssign, lastChurn)
	}
	if t == teamMobile && sprintChanges >= 1 {
		tr.mobileCommitted++
		if it.stalled && sprintChanges >= 2 {
			tr.carried = append(tr.carried, it.key())
			if st.status != stDone {
				lastSprint = g.spec.End // still carried at the end
			}
			tr.stalledSpan.add(firstSprint, lastSprint)
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

// edge is an interval opening (+1) or closing (-1) at an instant.
type edge struct {
	at time.Time
	d  int
}

// edges are the openings and closings of intervals in time order, a
// closing before an opening at the same instant.
func edges(iv [][2]time.Time) []edge {
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
	return es
}

// maxConcurrent is the most intervals open at once.
func maxConcurrent(iv [][2]time.Time) int {
	es := edges(iv)
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

// decisionSLAHours is the plan's decision SLA (2d) in working hours: a
// decision slower than that is the planted latency.
const decisionSLAHours = 16

// wipLimit is the plan's WIP agreement: the overload is the time above it.
const wipLimit = 3

// groundTruth assembles the planted patterns that exist in this spec. A
// bounded family is listed only when the generator produced its
// behaviour, with the span it produced.
func (g *gen) groundTruth() GroundTruth {
	o, tr := g.org, &g.truth
	gt := GroundTruth{Seed: g.spec.Seed, Patterns: []Pattern{}}
	if len(o.teams) > teamWeb {
		gt.ControlTeam = o.teams[teamWeb].Name
	}
	name := func(t int) string { return o.teams[t].Name }
	add := func(p Pattern, sp span) {
		p.Items = capItems(p.Items)
		p.Placement = "whole"
		if st, ok := g.stretches[p.Family]; ok {
			if sp.from.IsZero() {
				return // the stretch produced nothing in this spec
			}
			p.Placement = placeNames[st.place]
			// Whole seconds, as the trackers write them.
			p.Start, p.End = sp.from.Truncate(time.Second), sp.to.Truncate(time.Second)
			if p.End.Before(sp.to) {
				p.End = p.End.Add(time.Second)
			}
			p.Note += fmt.Sprintf("; planted %s to %s (%s)", sp.from.Format(time.DateOnly), sp.to.Format(time.DateOnly), p.Placement)
		} else {
			p.Start, p.End = g.spec.Start(), g.spec.End
		}
		p.MinDays = minDays[p.Family]
		gt.Patterns = append(gt.Patterns, p)
	}
	if o.bottleneck >= 0 && len(o.teams) > teamGrowth {
		add(Pattern{Family: famBottleneck, Team: name(teamPlatform), SubjectKind: "person", Subject: o.people[o.bottleneck].ID,
			Items: tr.bottleneckPRs, Note: fmt.Sprintf("received %d of %d review requests (%.0f%%) on %s and %s pull requests; median pickup %.1f working hours over %d requests",
				tr.bottleneckReq, tr.teamReqs, pct(tr.bottleneckReq, tr.teamReqs), name(teamPlatform), name(teamGrowth), median(tr.pickupHours), len(tr.pickupHours))}, tr.bottleneckSpan)
	}
	if len(o.teams) > teamMobile {
		add(Pattern{Family: famStalled, Team: name(teamMobile), SubjectKind: "team", Subject: name(teamMobile), Items: tr.carried,
			Note: fmt.Sprintf("%d of %d sprint items carried over at least once, %d of them planned in the stretch (listed)", tr.carriedCommitted, tr.mobileCommitted, len(tr.carried))}, tr.stalledSpan)
	}
	if len(o.teams) > teamGrowth {
		add(Pattern{Family: famDependency, Team: name(teamGrowth), SubjectKind: "team_pair", Subject: name(teamGrowth) + "/" + name(teamData),
			Items: append(slices.Clone(tr.waiting), tr.blockers...),
			Note:  fmt.Sprintf("%d %s items blocked by %s items (Blocked status, Flagged, blocks links); median wait %.1f working hours", len(tr.waiting), name(teamGrowth), name(teamData), median(tr.waitHours))}, tr.waitSpan)
	}
	if o.slowDecider >= 0 {
		add(Pattern{Family: famDecision, Team: name(teamPayments), SubjectKind: "person", Subject: o.people[o.slowDecider].ID, Items: tr.decisions,
			Note: fmt.Sprintf("%d items left Awaiting Approval when this person moved them after more than the 2d SLA, a median %.1f working hours", len(tr.decisions), median(tr.decisionHours))}, tr.decisionSpan)
		add(Pattern{Family: famHandoff, Team: name(teamPayments), SubjectKind: "team", Subject: name(teamPayments), Items: tr.churn,
			Note: fmt.Sprintf("%d items with 4 or more assignee changes (median %.0f) and 3-4 returns from In Review to In Progress", len(tr.churn), median(tr.churnChanges))}, tr.churnSpan.join(tr.churnPRSpan))
	}
	if o.silo >= 0 {
		repo := g.spec.Owner + "/" + o.teams[teamData].Repo
		add(Pattern{Family: "silo", Team: name(teamData), SubjectKind: "repo", Subject: repo, Items: tr.siloPRs,
			Note: fmt.Sprintf("%d of %d submitted reviews (%.0f%%) by one person", tr.siloReviews, tr.repoReviews, pct(tr.siloReviews, tr.repoReviews))}, span{})
	}
	if o.overloaded >= 0 {
		add(Pattern{Family: famWIP, Team: name(teamData), SubjectKind: "person", Subject: o.people[o.overloaded].ID, Items: tr.wipItems,
			Note: fmt.Sprintf("up to %d items In Progress at once, above %d from the first to the last day listed", maxConcurrent(tr.wip), wipLimit)}, overSpan(tr.wip, wipLimit))
	}
	if len(o.teams) > teamMobile {
		add(Pattern{Family: famUnreviewed, Team: name(teamMobile), SubjectKind: "repo", Subject: g.spec.Owner + "/" + o.teams[teamMobile].Repo,
			Items: tr.unreviewedPRs, Note: fmt.Sprintf("%d pull requests merged by their authors with no review (none elsewhere)", len(tr.unreviewedPRs))}, tr.unreviewedSpan)
	}
	if len(o.teams) > teamPlatform {
		add(Pattern{Family: famScope, Team: name(teamPlatform), SubjectKind: "team", Subject: name(teamPlatform), Items: tr.scopeItems,
			Note: fmt.Sprintf("%d items added to or taken out of %d running sprints after their start", len(tr.scopeItems), len(tr.scopeSprints))}, tr.scope)
	}
	return gt
}

// overSpan is the first and last instant more than limit intervals are open at once.
func overSpan(iv [][2]time.Time, limit int) span {
	es := edges(iv)
	var sp span
	n := 0
	var over time.Time
	for _, e := range es {
		n += e.d
		switch {
		case n > limit && over.IsZero():
			over = e.at
		case n <= limit && !over.IsZero():
			sp.add(over, e.at)
			over = time.Time{}
		}
	}
	return sp
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
