package analysis

import "time"

// weekStarts are the Mondays of the weeks from the lookback's start to the
// window's end (or now, when earlier): the periods of a weekly series.
func weekStarts(env *Env) []time.Time {
	end := env.To
	if now := asOf(*env); now.Before(end) {
		end = now
	}
	var out []time.Time
	for wk := mondayOf(lookbackFrom(env)); wk.Before(end); wk = wk.AddDate(0, 0, 7) {
		out = append(out, wk)
	}
	return out
}

// weekEpisode finds the worst stretch of a weekly series above limit that
// lasts the family's minimum duration (weeks of five working days, one
// week at or below the limit joined) and overlaps the window by it. It
// also returns the number of the series' weeks inside the window, the
// denominator of "most of the window".
func weekEpisode(env *Env, family string, series []Point, limit float64) (Episode, int, bool) {
	weeks := (MinEpisodeDays[family] + 4) / 5
	from := mondayOf(env.From)
	ep, ok := worst(findEpisodes(series, limit, weeks, 1, from, env.To))
	ep.Unit = "week"
	inWindow := 0
	for _, p := range series {
		if !p.At.Before(from) {
			inWindow++
		}
	}
	return ep, inWindow, ok
}

// weekIndex is the index of t's week in weeks (Mondays in order, one week
// apart), or -1 outside them.
func weekIndex(weeks []time.Time, t time.Time) int {
	if len(weeks) == 0 {
		return -1
	}
	t = t.UTC()
	i := int(mondayOf(t).Sub(weeks[0]).Hours()/24) / 7
	if t.Before(weeks[0]) || i >= len(weeks) {
		return -1
	}
	return i
}
