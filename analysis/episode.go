package analysis

import (
	"fmt"
	"time"
)

// Episodes: a family that measures something over time (work in progress
// per person per day, waits per week, carry-over per sprint) finds the
// stretches where the measure stays above its limit for at least the
// family's minimum duration, not only its median over the window. The
// series is read over a lookback before the window, so an episode that
// overlaps the window by its minimum duration is found, with its true
// start, whatever day the window starts on.

// Lookback is how far before a window the episode series are read.
const Lookback = 120 * 24 * time.Hour

// MinEpisodeDays is the minimum episode duration in working days of each
// family that finds episodes (a sprint counts as ten, a week as five).
// The others judge their window as a whole.
var MinEpisodeDays = map[string]int{
	"wip_overload":        10,
	"stalled_commitment":  20, // two sprints
	"dependency_delay":    10,
	"decision_latency":    10,
	"approval_bottleneck": 15, // three weeks
	"handoff_churn":       10,
	"ownership_gap":       10,
	"scope_churn":         10, // a two-week sprint
}

// Point is one value of a measure's series: the period starting at At.
type Point struct {
	At    time.Time `json:"at"`
	Value float64   `json:"value"`
}

// Episode is one stretch of a series above its limit.
type Episode struct {
	Start     time.Time `json:"start"`          // first period above the limit
	Peak      time.Time `json:"peak"`           // period of the highest value
	PeakValue float64   `json:"peak_value"`     // that value
	End       time.Time `json:"end,omitempty"`  // last period above the limit; unset while ongoing
	Ongoing   bool      `json:"ongoing"`        // still above the limit at the series' end
	Periods   int       `json:"periods"`        // periods above the limit in the stretch
	InWindow  int       `json:"in_window"`      // of them, periods inside the window
	Median    float64   `json:"median"`         // median value over the periods above the limit
	Limit     float64   `json:"limit"`          // the limit it was held against
	Unit      string    `json:"unit,omitempty"` // what a period is: working day, week, sprint
	lastIndex int
}

// findEpisodes returns the stretches of series (one point per period, in
// order) where the value is above limit, joined across at most gap
// periods at or below it, that have at least minPeriods periods above the
// limit and at least minPeriods of them (or all the window's periods, when
// the window is shorter) inside [from, to).
func findEpisodes(series []Point, limit float64, minPeriods, gap int, from, to time.Time) []Episode {
	inWindow := 0
	for _, p := range series {
		if !p.At.Before(from) && p.At.Before(to) {
			inWindow++
		}
	}
	need := min(minPeriods, max(inWindow, 1))
	var out []Episode
	var cur *Episode
	var values []float64
	below := 0
	flush := func() {
		if cur != nil && cur.Periods >= minPeriods && cur.InWindow >= need {
			cur.Median = Median(values)
			cur.End = series[cur.lastIndex].At
			if cur.lastIndex == len(series)-1 {
				cur.Ongoing, cur.End = true, time.Time{}
			}
			out = append(out, *cur)
		}
		cur, values, below = nil, nil, 0
	}
	for i, p := range series {
		if p.Value <= limit {
			if cur != nil {
				below++
				if below > gap {
					flush()
				}
			}
			continue
		}
		if cur == nil {
			cur = &Episode{Start: p.At, Peak: p.At, PeakValue: p.Value, Limit: limit}
		}
		below = 0
		cur.Periods++
		cur.lastIndex = i
		values = append(values, p.Value)
		if !p.At.Before(from) && p.At.Before(to) {
			cur.InWindow++
		}
		if p.Value > cur.PeakValue {
			cur.Peak, cur.PeakValue = p.At, p.Value
		}
	}
	flush()
	return out
}

// worst is the episode that weighs most: the most periods in the window,
// then the highest median.
func worst(eps []Episode) (Episode, bool) {
	if len(eps) == 0 {
		return Episode{}, false
	}
	best := eps[0]
	for _, e := range eps[1:] {
		if e.InWindow > best.InWindow || e.InWindow == best.InWindow && e.Median > best.Median {
			best = e
		}
	}
	return best, true
}

// episodeSeverity applies the ladder to an episode: above the limit for
// the minimum duration is warn; critical when its median is twice the
// limit or it covers more than half of the window's periods.
func episodeSeverity(e Episode, windowPeriods int) string {
	share := 0.0
	if windowPeriods > 0 {
		share = float64(e.InWindow) / float64(windowPeriods)
	}
	return atLeast(ladder(e.Median, e.Limit, share), Warn)
}

// weeklyTimeline shrinks a series to at most one point per ISO week (the
// week's highest value) for evidence, keeping the last maxPoints weeks.
func weeklyTimeline(series []Point, maxPoints int) []Point {
	var out []Point
	for _, p := range series {
		wk := mondayOf(p.At)
		if n := len(out); n > 0 && out[n-1].At.Equal(wk) {
			out[n-1].Value = max(out[n-1].Value, p.Value)
			continue
		}
		out = append(out, Point{At: wk, Value: p.Value})
	}
	if len(out) > maxPoints {
		out = out[len(out)-maxPoints:]
	}
	return out
}

// mondayOf is the Monday 00:00 UTC of t's ISO week.
func mondayOf(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// lookbackFrom is where a window's episode series start.
func lookbackFrom(env *Env) time.Time { return env.From.Add(-Lookback) }

// episodeText says when an episode started, peaked and ended.
func episodeText(e Episode, what string) string {
	end := "still going on"
	if !e.Ongoing {
		end = "ended " + e.End.Format(time.DateOnly)
	}
	return fmt.Sprintf("Above the limit of %s %s from %s (%s), peaking at %s on %s; %s.",
		num(e.Limit), what, e.Start.Format(time.DateOnly), plural(e.Periods, e.Unit), num(e.PeakValue),
		e.Peak.Format(time.DateOnly), end)
}
