package analysis

import (
	"fmt"
	"time"
)

// span is one wait: from start to end (zero while open), lasting
// workHours in working time (open waits aged to now).
type span struct {
	start, end time.Time
	workHours  float64
}

// overlaps says whether the span was open at some time in [from, to).
func (s span) overlaps(from, to time.Time) bool {
	return s.start.Before(to) && (s.end.IsZero() || s.end.After(from))
}

// weeklyWaits is a wait measure's weekly series from the lookback's start
// to the window's end: per ISO week, the median working days of the waits
// open at some time in that week (0 when none was).
func weeklyWaits(env *Env, spans []span) []Point {
	day := dayHours(env)
	end := env.To
	if now := asOf(*env); now.Before(end) {
		end = now
	}
	var out []Point
	for wk := mondayOf(lookbackFrom(env)); wk.Before(end); wk = wk.AddDate(0, 0, 7) {
		var ws []float64
		for _, s := range spans {
			if s.overlaps(wk, wk.AddDate(0, 0, 7)) {
				ws = append(ws, s.workHours/day)
			}
		}
		v := 0.0
		if len(ws) > 0 {
			v = round2(Median(ws))
		}
		out = append(out, Point{At: wk, Value: v})
	}
	return out
}

// waitEpisode finds the worst stretch of weeks in which the waits open
// each week took a median above limitDays, lasting at least the family's
// minimum duration (weeks of five working days, one quiet week joined),
// that overlaps the window by that duration. windowWeeks is the number of
// the series' weeks inside the window.
func waitEpisode(env *Env, family string, spans []span, limitDays float64) (Episode, []Point, int, bool) {
	series := weeklyWaits(env, spans)
	weeks := (MinEpisodeDays[family] + 4) / 5
	ep, ok := worst(findEpisodes(series, limitDays, weeks, 1, mondayOf(env.From), env.To))
	windowWeeks := 0
	for _, p := range series {
		if !p.At.Before(mondayOf(env.From)) {
			windowWeeks++
		}
	}
	ep.Unit = "week"
	return ep, series, windowWeeks, ok
}

// waitEpisodeText says when a wait episode started, peaked and ended.
func waitEpisodeText(e Episode) string {
	return fmt.Sprintf("Waits open each week took a median above %s working days for %s from the week of %s, the longest in the week of %s (%s working days); %s.",
		num(e.Limit), plural(e.Periods, "week"), e.Start.Format(time.DateOnly), e.Peak.Format(time.DateOnly),
		num(e.PeakValue), episodeEnd(e))
}
