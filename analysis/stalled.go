package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/systemic-dev/systemic/internal/config"
)

// stalledCommitment is the stalled_commitment pattern, per team (the
// items' team), from three signals:
//   - carry-over: items that missed more than Thresholds.CarryOver
//     (default 1) consecutive sprints, i.e. were in two or more sprints in
//     a row at their close without being done (v_carryover), the last of
//     them closing in the window, against the distinct items committed to
//     sprints closing in the window;
//   - aging WIP: items in an active, review, waiting, blocked or decision
//     state at env.Now whose age since work started exceeds the team's own
//     Thresholds.AgingPercentile (default 0.85) cycle time (start to first
//     done, over the team's done items);
//   - inactive: such items with no event, comment or review for
//     Thresholds.Inactive (default 5d = 5 working days).
//
// Aging and inactivity look at tracker issues only (see trackedWork).
//
// Severity: critical when at least 40% of committed items carried over,
// warn at 20% (both need two or more items); aging or inactive items raise
// it to warn when they are half or more of a WIP of at least
// Thresholds.MinSample items; otherwise info. When three quarters or more
// of the carried items are one person's and the rest of the team carries
// less than 20%, the finding stays info and points at that person's load
// (the team's commitment is not what stalls). Teams with fewer than
// MinSample committed items and fewer than MinSample done items are "not
// enough data". Metrics: carry_over_items, commitment_completion (all and
// per month of the sprints' close).
type stalledCommitment struct{}

var _ Module = stalledCommitment{}

func init() { Register(stalledCommitment{}) }

func (stalledCommitment) Name() string { return "stalled_commitment" }

func (stalledCommitment) Explain() string {
	return `stalled_commitment: committed work that does not finish, per team.
- Carry-over: items in two or more consecutive sprints at their close without being done (more than
  thresholds.carry_over sprints, default 1), against the items committed to sprints that closed in the
  window. A sprint closes when it is completed: one past its planned end that nobody completed is still
  under way and counts nowhere yet. Critical at 40% of committed items, warn at 20% (two items or more).
- Aging work in progress: items in progress now (active, review, waiting, blocked or decision states)
  older than the team's own thresholds.aging_percentile (default 0.85) cycle time.
- Inactive: items in progress with no event, comment or review for thresholds.inactive (default 5d =
  5 working days).
  Aging and inactivity count tracker issues with a workflow (not epics, pull requests or GitHub issues).
Aging and inactive items make it warn when they are half or more of a work in progress of at least
min_sample items. When three quarters or more of the carried items are one person's and the others carry
less than 20%, it stays info and points at that person's load (see wip_overload).
Teams with fewer than min_sample (default 5) committed and done items: not enough data.
Carry-over episodes: per ended sprint, the share of its commitment carried over at its close, read
over a 120-day lookback. More sprints in a row above 20% than the carry-over limit allows (the plan's
carry_over agreement, else thresholds.carry_over; at least two; one sprint below joined) reaching into
the window are at least warn, critical at a median of 40% or on more than half of the window's
sprints; the finding names the episode's start, peak and end.
Score: the larger of twice the carry-over share and the stuck share of work in progress (capped at 1).
Metrics: carry_over_items, commitment_completion (completed/committed, per month and for the window).`
}

// teamStall gathers one team's signals.
type teamStall struct {
	committed, carried int
	carriedItems       []EvidenceItem
	// committedBy and carriedBy count items per assignee (person id).
	committedBy, carriedBy map[string]int
	done                   int     // items done by now with a cycle time
	cyclePct               float64 // their aging percentile cycle time, hours
	wip                    []wipItem
}

type wipItem struct {
	key, url, status string
	ageHours, idleWH float64
}

func (m stalledCommitment) Run(ctx context.Context, env *Env) (Result, error) {
	th := limits(env)
	teams := map[string]*teamStall{}
	get := func(team string) *teamStall {
		if teams[team] == nil {
			teams[team] = &teamStall{committedBy: map[string]int{}, carriedBy: map[string]int{}}
		}
		return teams[team]
	}
	var res Result
	steps := []func(context.Context, *Env, func(string) *teamStall) error{stallCommitted, stallCarried, stallWork}
	for _, step := range steps {
		if err := step(ctx, env, get); err != nil {
			return Result{}, fmt.Errorf("stalled commitment: %w", err)
		}
	}
	completion, err := commitmentMetrics(ctx, env)
	if err != nil {
		return Result{}, err
	}
	res.Metrics = append(res.Metrics, completion...)
	idleLimit := workThreshold(env, th.Inactive)
	for _, team := range sortedKeys(teams) {
		ts := teams[team]
		res.Metrics = append(res.Metrics, Metric{ScopeKind: "team", Scope: team, Metric: "carry_over_items",
			Period: "all", Value: float64(ts.carried), N: ts.committed})
		if ts.committed < th.MinSample && ts.done < th.MinSample {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %d committed and %d done items (minimum %d)",
				team, ts.committed, ts.done, th.MinSample))
			continue
		}
		if f, ok := stallFinding(env, th, idleLimit, team, ts); ok {
			res.Findings = append(res.Findings, f)
		}
	}
	if err := carryEpisodes(ctx, env, th.CarryOver, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// stuckWork is a team's work in progress that ages past the team's own
// cycle time or sits without activity.
type stuckWork struct {
	items               []EvidenceItem // not already listed as carried over
	aging, idle, stuck  int
	share, cyclePctDays float64 // share of WIP; cyclePctDays NaN without enough done items
}

func findStuck(env *Env, minSample int, pct, idleLimit float64, ts *teamStall) stuckWork {
	sw := stuckWork{cyclePctDays: math.NaN()}
	p := math.Inf(1)
	if ts.done >= minSample {
		p = ts.cyclePct
		sw.cyclePctDays = p / 24
	}
	for _, w := range ts.wip {
		var notes []string
		if w.ageHours > p {
			sw.aging++
			notes = append(notes, fmt.Sprintf("in progress %.1f days (team p%.0f cycle time %.1f days)", w.ageHours/24, pct*100, p/24))
		}
		if w.idleWH > idleLimit {
			sw.idle++
			notes = append(notes, "no activity for "+workDays(env, w.idleWH))
		}
		if len(notes) == 0 {
			continue
		}
		sw.stuck++
		note := w.status + ": " + strings.Join(notes, "; ")
		if i := slices.IndexFunc(ts.carriedItems, func(it EvidenceItem) bool { return it.Key == w.key }); i >= 0 {
			ts.carriedItems[i].Note += "; " + note // one entry per item
			continue
		}
		sw.items = append(sw.items, EvidenceItem{Key: w.key, URL: w.url, Value: round2(w.ageHours / 24), Note: note})
	}
	if len(ts.wip) > 0 {
		sw.share = float64(sw.stuck) / float64(len(ts.wip))
	}
	return sw
}

func stallFinding(env *Env, th config.Thresholds, idleLimit float64, team string, ts *teamStall) (Finding, bool) {
	rate := 0.0
	if ts.committed >= th.MinSample {
		rate = float64(ts.carried) / float64(ts.committed)
	} else {
		ts.carried, ts.carriedItems = 0, nil
	}
	sw := findStuck(env, th.MinSample, th.AgingPercentile, idleLimit, ts)
	sev := Info
	switch {
	case ts.carried >= 2 && rate >= 0.4:
		sev = Critical
	case ts.carried >= 2 && rate >= 0.2, len(ts.wip) >= th.MinSample && sw.stuck >= 3 && sw.share >= 0.5:
		sev = Warn
	case rate < 0.05 && sw.stuck < 2:
		return Finding{}, false
	}
	var parts, people []string
	if ts.committed >= th.MinSample {
		parts = append(parts, fmt.Sprintf("%d of %d items committed to sprints that closed in the window (%.0f%%) missed %d or more sprints in a row",
			ts.carried, ts.committed, rate*100, th.CarryOver+1))
		if who, rest, ok := onePersonsCarry(ts); ok {
			people = []string{who}
			parts[0] += fmt.Sprintf(", %d of them assigned to one person (without them %.0f%%: look at that person's load)",
				ts.carriedBy[who], rest*100)
			if rest < 0.2 && len(ts.wip) < th.MinSample {
				sev = Info
			}
		}
	}
	if sw.stuck > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d items in progress are stuck (%d older than the team's p%.0f cycle time, %d without activity for %s)",
			sw.stuck, len(ts.wip), sw.aging, th.AgingPercentile*100, sw.idle, workDays(env, idleLimit)))
	}
	values := map[string]float64{"committed_items": float64(ts.committed), "carried_over_items": float64(ts.carried),
		"carry_over_share": round2(rate), "wip_items": float64(len(ts.wip)), "aging_items": float64(sw.aging),
		"inactive_items": float64(sw.idle), "done_items": float64(ts.done)}
	if !math.IsNaN(sw.cyclePctDays) {
		values["cycle_time_pct_days"] = round2(sw.cyclePctDays)
	}
	return Finding{
		Pattern: "stalled_commitment", Severity: sev, Team: team, SubjectKind: "team", Subject: team,
		Score:   round2(math.Min(1, math.Max(2*rate, sw.share))),
		Summary: strings.Join(parts, "; ") + ".",
		Evidence: Evidence{Values: values, Items: append(topItems(ts.carriedItems, 15), topItems(sw.items, 15)...),
			People: people},
	}, true
}

// onePersonsCarry says whether three quarters or more of the team's
// carried items are one person's, and the carry-over share of the others.
// The team's pattern is then that person's load (wip_overload), and the
// finding says so instead of blaming the team's commitment.
func onePersonsCarry(ts *teamStall) (string, float64, bool) {
	top, n := "", 0
	for _, who := range sortedKeys(ts.carriedBy) {
		if who != "" && ts.carriedBy[who] > n {
			top, n = who, ts.carriedBy[who]
		}
	}
	if ts.carried < 2 || float64(n) < 0.75*float64(ts.carried) {
		return "", 0, false
	}
	rest := 0.0
	if c := ts.committed - ts.committedBy[top]; c > 0 {
		rest = float64(ts.carried-n) / float64(c)
	}
	return top, rest, true
}

// stallCommitted counts per team the distinct items committed to sprints
// that ended (were completed) in the window.
func stallCommitted(ctx context.Context, env *Env, get func(string) *teamStall) error {
	const q = `SELECT it.team, coalesce(it.assignee, ''), count(DISTINCT x.item_id)
FROM sprint_items x JOIN v_sprint_commitment s USING (sprint_id) JOIN v_items it ON it.item_id = x.item_id
WHERE x.committed AND s.ended AND s.ended_at >= $1 AND s.ended_at < $2 AND it.team IS NOT NULL
GROUP BY ALL`
	return queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		var team, who string
		var n int
		if err := scan(&team, &who, &n); err != nil {
			return err
		}
		ts := get(team)
		ts.committed += n
		ts.committedBy[who] += n
		return nil
	})
}

// stallCarried reads the items over the carry-over threshold whose run
// ended in the window.
func stallCarried(ctx context.Context, env *Env, get func(string) *teamStall) error {
	const q = `SELECT c.team, c.key, coalesce(it.url, ''), c.consecutive, array_to_string(c.run_sprints, ', '),
	coalesce(it.assignee, '')
FROM v_carryover c JOIN v_items it USING (item_id)
WHERE c.consecutive > $3 AND c.last_end_at >= $1 AND c.last_end_at < $2 AND c.team IS NOT NULL
ORDER BY c.team, c.key`
	args := append(windowArgs(env)[:2], limits(env).CarryOver)
	return queryEach(ctx, env.DB, q, args, func(scan func(...any) error) error {
		var team, sprints, who string
		var it EvidenceItem
		if err := scan(&team, &it.Key, &it.URL, &it.Value, &sprints, &who); err != nil {
			return err
		}
		it.Note = "not done in " + sprints
		ts := get(team)
		ts.carried++
		ts.carriedBy[who]++
		ts.carriedItems = append(ts.carriedItems, it)
		return nil
	})
}

// trackedWork selects the work items whose age and activity say something
// about a commitment: tracker issues with a workflow, not epics (long by
// design), pull requests (wip_overload and the review patterns cover them)
// or GitHub issues (open means "not closed", not "in progress").
const trackedWork = `(SELECT item_id FROM items WHERE kind NOT IN ('epic', 'pull_request')
	AND source NOT IN (SELECT name FROM sources WHERE kind = 'github'))`

// stallWork reads, from the tracked work's first dates (v_item_firsts) and
// its status intervals going on at now, each team's cycle times (first
// start to first done, hours, of the items done by now: their count and
// the aging percentile, the empirical quantile Quantile takes) and the
// items in progress at now with their age since work started and the
// working hours since their last event, comment or review.
func stallWork(ctx context.Context, env *Env, get func(string) *teamStall) error {
	const q = `WITH per_item AS MATERIALIZED (
	-- each stage as of now: one reached later is not reached yet
	SELECT f.item_id, f.team,
		CASE WHEN f.done_at <= $1 THEN f.done_at END AS done_at,
		CASE WHEN f.started_at <= $1 THEN f.started_at END AS started_at,
		CASE WHEN f.entered_at <= $1 THEN f.entered_at END AS entered_at,
		o.status AS cur_status
	FROM v_item_firsts f LEFT JOIN (
		-- the status in progress at now (intervals do not overlap)
		SELECT item_id, min(status) AS status FROM v_status_intervals
		WHERE state_class NOT IN ('new', 'done') AND start_at <= $1 AND (end_at IS NULL OR end_at > $1)
		GROUP BY item_id) o USING (item_id)
	-- only items begun by now (an item in progress now entered work by now)
	WHERE f.team IS NOT NULL AND f.first_at <= $1
		AND f.item_id IN (SELECT item_id FROM ` + trackedWork + `)
),
cycles AS (
	SELECT team, count(*) AS n,
		list_sort(list((epoch(done_at) - epoch(started_at)) / 3600.0))[greatest(ceil($2 * count(*)), 1)::BIGINT] AS pct
	FROM per_item WHERE done_at IS NOT NULL AND started_at IS NOT NULL AND started_at <= done_at
	GROUP BY team
),
cur AS (SELECT item_id, team, cur_status AS status, entered_at AS started_at FROM per_item WHERE cur_status IS NOT NULL),
act AS (
	SELECT item_id, max(ts) AS last_at FROM (
		SELECT item_id, occurred_at AS ts FROM item_events WHERE item_id IN (SELECT item_id FROM cur)
		UNION ALL SELECT item_id, created_at FROM comments WHERE item_id IN (SELECT item_id FROM cur)
		UNION ALL SELECT item_id, submitted_at FROM reviews WHERE item_id IN (SELECT item_id FROM cur))
	WHERE ts <= $1 GROUP BY item_id)
SELECT team, NULL AS key, NULL AS url, NULL AS status, n::DOUBLE, pct FROM cycles
UNION ALL
SELECT c.team, it.key, coalesce(it.url, ''), c.status,
	greatest(epoch($1::TIMESTAMPTZ) - epoch(c.started_at), 0) / 3600.0,
	work_hours(greatest(a.last_at, it.created_at, c.started_at), $1::TIMESTAMPTZ)
FROM cur c JOIN items it USING (item_id) LEFT JOIN act a USING (item_id)
ORDER BY 1, 2 NULLS FIRST`
	pct := math.Min(math.Max(limits(env).AgingPercentile, 0), 1)
	return queryEach(ctx, env.DB, q, []any{nowOf(env).UTC(), pct}, func(scan func(...any) error) error {
		var team string
		var key, url, status *string
		var a, b float64
		if err := scan(&team, &key, &url, &status, &a, &b); err != nil {
			return err
		}
		ts := get(team)
		if key == nil { // the team's cycle times
			ts.done, ts.cyclePct = int(a), b
			return nil
		}
		ts.wip = append(ts.wip, wipItem{key: *key, url: *url, status: *status, ageHours: a, idleWH: b})
		return nil
	})
}

// commitmentMetrics is commitment_completion per team: completed over
// committed items of the sprints that ended (were completed) in the
// window, for the window and per month of the end. A sprint under way
// counts nowhere: its items are not missed yet.
func commitmentMetrics(ctx context.Context, env *Env) ([]Metric, error) {
	const q = `SELECT team, period, sum(completed) / sum(committed), sum(committed)::INTEGER FROM (
	SELECT team, completed, committed, 'all' AS period FROM v_sprint_commitment
	WHERE ended AND team IS NOT NULL AND ended_at >= $1 AND ended_at < $2
	UNION ALL
	SELECT team, completed, committed, strftime(ended_at, '%Y-%m') FROM v_sprint_commitment
	WHERE ended AND team IS NOT NULL AND ended_at >= $1 AND ended_at < $2)
GROUP BY team, period HAVING sum(committed) > 0 ORDER BY team, period`
	var out []Metric
	err := queryEach(ctx, env.DB, q, windowArgs(env)[:2], func(scan func(...any) error) error {
		m := Metric{ScopeKind: "team", Metric: "commitment_completion"}
		if err := scan(&m.Scope, &m.Period, &m.Value, &m.N); err != nil {
			return err
		}
		m.Value = round2(m.Value)
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("commitment completion: %w", err)
	}
	return out, nil
}
