package analysis

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Work in progress per person (sql/v_wip_spans.sql, sql/v_wip.sql). A tracker issue (GitHub pull requests and
// issues are left out: a pull request is the same work as its issue, and
// an open GitHub issue is backlog) is in progress while its state class is
// neither new nor done; it counts for whoever was assigned at the time,
// following the assignee history (Jira's changelog holds raw account ids
// in from_id/to_id; they are made identity ids here). Bots are left out.
func init() {
	Register(wipOverload{})
}

// wipOverload is the wip_overload module.
//
// Per person, over the working days of the window on which the person had
// any issue in progress (v_wip), the median number of issues in progress
// at once. Above Thresholds.WIPPerPerson (default 3) it is a finding: warn,
// critical at twice the limit; score 1 - limit/median. Fewer than
// Thresholds.MinSample (default 5) such days: not enough data. Metrics:
// wip_max and wip_avg per person, wip_per_person_max per team (the largest
// median of its people).
type wipOverload struct{}

var _ Module = wipOverload{}

func (wipOverload) Name() string { return "wip_overload" }

func (wipOverload) Explain() string {
	return `wip_overload: people carrying more issues in progress at once than agreed.
For each person and working day of the window, the tracker issues assigned to them in a state
that is neither new nor done (pull requests and GitHub issues are left out; bots too).
The limit is the plan's wip_per_person agreement, else thresholds.wip_per_person (default 3).
A person is flagged when the median daily count exceeds the limit, or when an episode overlaps
the window: 10 or more working days above the limit (gaps of up to 2 days joined), read over a
120-day lookback so its start is found whatever the window. Severity by the ladder: warn when
above the limit; critical at twice it (median, or the episode's median) or above it on more than
half of the window's working days; score = 1 - limit/median. The finding names the episode's
start, peak and end (or ongoing), and its evidence holds the weekly timeline. Fewer than min_sample (default 5)
working days with work in progress: not enough data. Evidence: the issues held, with the
working days each was in progress within the window.`
}

type personWIP struct {
	team   string
	counts []float64 // working days of the window with work in progress
	byDay  []float64 // issues in progress on each of dailyWIP's days, lookback included
}

func (m wipOverload) Run(ctx context.Context, env *Env) (Result, error) {
	th := limits(env)
	people, days, err := dailyWIP(ctx, env)
	if err != nil {
		return Result{}, err
	}
	var res Result
	limit := float64(th.WIPPerPerson)
	teamMax := map[string]Metric{}
	windowDays := 0
	for _, d := range days {
		if !d.Before(env.From) {
			windowDays++
		}
	}
	for _, person := range sortedKeys(people) {
		p := people[person]
		if len(p.counts) < th.MinSample {
			res.NotEnoughData = append(res.NotEnoughData, fmt.Sprintf("%s: %s with work in progress", person, plural(len(p.counts), "working day")))
			continue
		}
		med, peak := Median(p.counts), Quantile(p.counts, 1)
		res.Metrics = append(res.Metrics,
			Metric{ScopeKind: "person", Scope: person, Metric: "wip_max", Period: "all", Value: peak, N: len(p.counts)},
			Metric{ScopeKind: "person", Scope: person, Metric: "wip_avg", Period: "all", Value: round2(Mean(p.counts)), N: len(p.counts)})
		if cur, ok := teamMax[p.team]; p.team != "" && (!ok || med > cur.Value) {
			teamMax[p.team] = Metric{ScopeKind: "team", Scope: p.team, Metric: "wip_per_person_max", Period: "all", Value: med, N: len(p.counts)}
		}
		series := make([]Point, len(days))
		for i, d := range days {
			series[i] = Point{At: d, Value: p.byDay[i]}
		}
		ep, inEpisode := worst(findEpisodes(series, limit, MinEpisodeDays["wip_overload"], 2, env.From, env.To))
		if med <= limit && !inEpisode {
			continue
		}
		f := wipFinding(person, p, med, peak, limit, windowDays)
		if inEpisode {
			ep.Unit = "working day"
			f.Severity = atLeast(f.Severity, episodeSeverity(ep, windowDays))
			f.Score = max(f.Score, overScore(ep.Median, limit))
			f.Evidence.Episode, f.Evidence.Timeline = &ep, weeklyTimeline(series, 30)
			f.Summary += " " + episodeText(ep, "issues at once")
		}
		res.Findings = append(res.Findings, f)
	}
	if err := wipEvidence(ctx, env, res.Findings); err != nil {
		return Result{}, err
	}
	for _, team := range sortedKeys(teamMax) {
		res.Metrics = append(res.Metrics, teamMax[team])
	}
	return res, nil
}

// dailyWIP reads the in-progress counts per person and working day from
// the lookback's start to the window's end; counts holds the window's days
// with work in progress, days every working day of the series in order.
// One row per person comes back, its days packed in a list (day number
// times 2^32 plus the count): a row through database/sql costs more than
// the person's whole list.
func dailyWIP(ctx context.Context, env *Env) (map[string]*personWIP, []time.Time, error) {
	days, index, working := wipDays(env)
	q := `SELECT person, arg_max(coalesce(team, ''), day) FILTER (WHERE day >= $3::DATE),
	list((day - $4::DATE) * 4294967296 + items)
FROM v_wip WHERE day >= $1::DATE AND day < $2::DATE AND ` + working + `
GROUP BY person HAVING count(*) FILTER (WHERE day >= $3::DATE) > 0`
	from := dayNumber(env.From.UTC().Truncate(24 * time.Hour))
	args := []any{lookbackFrom(env).UTC().Format(time.DateOnly), env.To.UTC().Format(time.DateOnly),
		env.From.UTC().Format(time.DateOnly), epochMonday.Format(time.DateOnly)}
	people := map[string]*personWIP{}
	err := queryEach(ctx, env.DB, q, args, func(scan func(...any) error) error {
		p := &personWIP{byDay: make([]float64, len(days))}
		var person string
		var packed []any
		if err := scan(&person, &p.team, &packed); err != nil {
			return err
		}
		for _, v := range packed {
			x, ok := v.(int64)
			if !ok {
				return fmt.Errorf("person %s: day %v is %T, not a packed BIGINT", person, v, v)
			}
			day, items := x>>32, float64(x&(1<<32-1))
			if i, ok := index[day]; ok {
				p.byDay[i] = items
			}
			if day >= from {
				p.counts = append(p.counts, items) // in no order: median, peak, sums of counts
			}
		}
		people[person] = p
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("wip per person: %w", err)
	}
	return people, days, nil
}

// wipDays lists the working days of the calendar from the lookback's
// start to the window's end (or now, when earlier), with each day
// number's position among them, and the SQL condition that keeps the
// working days of v_wip (weekdays by the calendar, holidays left out).
func wipDays(env *Env) ([]time.Time, map[int64]int, string) {
	w := resolveCalendar(env.Calendar)
	holiday := map[int64]bool{}
	mask := 0
	for i, on := range w.days {
		if on {
			mask |= 1 << i
		}
	}
	cond := fmt.Sprintf("(%d >> ((day - DATE '%s') %% 7)::INTEGER) & 1 = 1", mask, epochMonday.Format(time.DateOnly))
	if len(w.holidays) > 0 {
		var hs []string
		for _, h := range w.holidays {
			holiday[h] = true
			hs = append(hs, fmt.Sprint(h))
		}
		cond += fmt.Sprintf(" AND (day - DATE '%s') NOT IN (%s)", epochMonday.Format(time.DateOnly), strings.Join(hs, ", "))
	}
	end := env.To
	if now := asOf(*env); now.Before(end) {
		end = now
	}
	var days []time.Time
	index := map[int64]int{}
	for d := lookbackFrom(env).UTC().Truncate(24 * time.Hour); d.Before(end); d = d.AddDate(0, 0, 1) {
		if n := dayNumber(d); w.days[n%7] && !holiday[n] {
			index[n] = len(days)
			days = append(days, d)
		}
	}
	return days, index, "(" + cond + ")"
}

// dayNumber numbers days from epochMonday.
func dayNumber(d time.Time) int64 { return int64(d.Sub(epochMonday).Hours() / 24) }

func wipFinding(person string, p *personWIP, med, peak, limit float64, windowDays int) Finding {
	over := 0
	for _, c := range p.counts {
		if c > limit {
			over++
		}
	}
	share := 0.0
	if windowDays > 0 {
		share = float64(over) / float64(windowDays)
	}
	return Finding{Pattern: "wip_overload", Severity: ladder(med, limit, share), Team: p.team, SubjectKind: "person",
		Subject: person, Score: overScore(med, limit),
		Summary: fmt.Sprintf("Works on a median %s at once (agreement %s), up to %s; above the agreement on %d of %d working days.",
			issues(med), num(limit), num(peak), over, len(p.counts)),
		Evidence: Evidence{Values: map[string]float64{"median_wip": med, "max_wip": peak, "limit": limit,
			"days": float64(len(p.counts)), "days_over": float64(over)}, People: []string{person}}}
}

// wipEvidence lists, in one query for all findings, the issues each
// flagged person held in the window with the working days in progress:
// the 20 longest per person, ranked in SQL as topItems ranks them (the
// rounded working days, then the key) and only they joined to their URL.
func wipEvidence(ctx context.Context, env *Env, fs []Finding) error {
	if len(fs) == 0 {
		return nil
	}
	var people []string
	at := map[string]int{}
	for i, f := range fs {
		people = append(people, sqlString(f.Subject))
		at[f.Subject] = i
	}
	q := `WITH held AS (
	SELECT person, key, any_value(item_id) AS item_id,
		sum(work_hours(greatest(start_at, $1), least(coalesce(end_at, $3), $2))) AS wh
	FROM v_wip_spans
	WHERE person IN (` + strings.Join(people, ", ") + `) AND start_at < $2 AND coalesce(end_at, $3) > $1
	GROUP BY person, key
	QUALIFY row_number() OVER (PARTITION BY person ORDER BY round(wh / $4 * 100) / 100 DESC, key) <= ` + fmt.Sprint(wipEvidenceItems) + `
)
SELECT h.person, h.key, it.url, h.wh FROM held h JOIN items it USING (item_id) ORDER BY h.person, h.key`
	day := dayHours(env)
	items := map[string][]EvidenceItem{}
	err := queryEach(ctx, env.DB, q, append(windowArgs(env), day), func(scan func(...any) error) error {
		var person string
		var it EvidenceItem
		var wh float64
		if err := scan(&person, &it.Key, &it.URL, &wh); err != nil {
			return err
		}
		it.Value, it.Note = round2(wh/day), "working days in progress"
		items[person] = append(items[person], it)
		return nil
	})
	if err != nil {
		return fmt.Errorf("wip evidence: %w", err)
	}
	for person, its := range items {
		fs[at[person]].Evidence.Items = topItems(its, wipEvidenceItems)
	}
	return nil
}

// wipEvidenceItems is how many issues a wip_overload finding lists.
const wipEvidenceItems = 20

// num writes x without decimals when whole, else with one.
func num(x float64) string {
	if x == float64(int64(x)) {
		return fmt.Sprintf("%d", int64(x))
	}
	return fmt.Sprintf("%.1f", x)
}

// issues says a number of issues ("1 issue", "2.5 issues").
func issues(n float64) string {
	if n == 1 {
		return "1 issue"
	}
	return num(n) + " issues"
}
