package synth

import (
	"math"
	"math/rand/v2"
	"time"
)

// Working hours of the simulated organisation: Monday to Friday, 09:00 to
// 17:00 UTC. Durations of work are drawn in working hours and laid onto the
// calendar, so waits over weekends look as they do in real trackers.
const (
	dayStart = 9
	dayEnd   = 17
)

const (
	jiraTime   = "2006-01-02T15:04:05.000-0700"
	agileTime  = "2006-01-02T15:04:05.000Z"
	githubTime = "2006-01-02T15:04:05Z"
)

func isWorkday(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// toWork moves t forward to the next working instant.
func toWork(t time.Time) time.Time {
	for {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if !isWorkday(t) || t.Hour() >= dayEnd {
			t = day.AddDate(0, 0, 1).Add(dayStart * time.Hour)
			continue
		}
		if t.Hour() < dayStart {
			return day.Add(dayStart * time.Hour)
		}
		return t
	}
}

// addWork returns the instant h working hours after t.
func addWork(t time.Time, h float64) time.Time {
	t = toWork(t)
	left := time.Duration(h * float64(time.Hour))
	for left > 0 {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		end := day.Add(dayEnd * time.Hour)
		if room := end.Sub(t); left < room {
			return t.Add(left).Truncate(time.Second)
		} else {
			left -= room
		}
		t = toWork(end)
	}
	return t.Truncate(time.Second)
}

// workHours counts the working hours between a and b.
func workHours(a, b time.Time) float64 {
	if !b.After(a) {
		return 0
	}
	var h float64
	for t := toWork(a); t.Before(b); {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		end := day.Add(dayEnd * time.Hour)
		if b.Before(end) {
			end = b
		}
		h += end.Sub(t).Hours()
		t = toWork(day.Add(dayEnd * time.Hour))
	}
	return h
}

// between draws uniformly from [lo, hi).
func between(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// skewed draws from [lo, hi) with most mass near lo: durations of work are
// right-skewed in real teams.
func skewed(r *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*math.Pow(r.Float64(), 2)
}

// workInstant draws a working instant in the month starting at m.
func workInstant(r *rand.Rand, from, to time.Time) time.Time {
	for {
		days := int(to.Sub(from).Hours() / 24)
		d := from.AddDate(0, 0, r.IntN(max(1, days)))
		if !isWorkday(d) {
			continue
		}
		sec := dayStart*3600 + r.IntN((dayEnd-dayStart)*3600)
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second)
	}
}

// newRand returns a generator for one stream of the organisation: every
// team, item and pull request draws from its own stream, so changing one
// part of the simulation does not reshuffle the rest.
func newRand(seed uint64, stream ...uint64) *rand.Rand {
	h := uint64(1469598103934665603)
	for _, s := range stream {
		h ^= s
		h *= 1099511628211
		h ^= h >> 29
	}
	return rand.New(rand.NewPCG(seed, h))
}
