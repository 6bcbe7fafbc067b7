package reports

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"time"
)

// maxForecastWeeks caps a trial: work that would take longer than ten years
// at the observed pace is reported as such, not simulated forever.
const maxForecastWeeks = 520

// Forecast is a Monte Carlo forecast of when the remaining items are done:
// each trial draws weeks from the team's recent weekly throughput, with
// replacement, until the remaining count is reached.
type Forecast struct {
	Remaining int   `json:"remaining"`
	History   []int `json:"history"` // done items per week, oldest first
	Trials    int   `json:"trials"`
	// Weeks from AsOf at the 10th, 50th, 85th and 95th percentile of trials.
	WeeksP10 int    `json:"weeks_p10"`
	WeeksP50 int    `json:"weeks_p50"`
	WeeksP85 int    `json:"weeks_p85"`
	WeeksP95 int    `json:"weeks_p95"`
	AsOf     string `json:"as_of"`
	P10      string `json:"p10"`
	P50      string `json:"p50"`
	P85      string `json:"p85"`
	P95      string `json:"p95"`
	// Capped is set when some trials did not finish within ten years.
	Capped bool `json:"capped,omitempty"`
}

// Simulate runs the forecast. seed makes it repeatable; the same inputs
// always give the same dates. It returns nil when there is nothing to draw
// from (no history or no item finished in it).
func Simulate(remaining int, history []int, trials int, seed uint64, asOf time.Time) *Forecast {
	total := 0
	for _, h := range history {
		total += h
	}
	if remaining <= 0 || total == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x5157e31c))
	weeks := make([]int, trials)
	capped := false
	for t := range weeks {
		done, w := 0, 0
		for done < remaining && w < maxForecastWeeks {
			done += history[rng.IntN(len(history))]
			w++
		}
		capped = capped || done < remaining
		weeks[t] = w
	}
	sort.Ints(weeks)
	pct := func(q float64) int { return weeks[int(q*float64(len(weeks)-1))] }
	f := &Forecast{Remaining: remaining, History: history, Trials: trials, AsOf: day(asOf), Capped: capped,
		WeeksP10: pct(0.10), WeeksP50: pct(0.50), WeeksP85: pct(0.85), WeeksP95: pct(0.95)}
	at := func(w int) string { return day(asOf.AddDate(0, 0, 7*w)) }
	f.P10, f.P50, f.P85, f.P95 = at(f.WeeksP10), at(f.WeeksP50), at(f.WeeksP85), at(f.WeeksP95)
	return f
}

// seedFor derives a trial seed from what is forecast, so goals do not
// share random streams and a re-run repeats itself.
func seedFor(kind, id string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s", kind, id)
	return h.Sum64()
}

// Progress counts a scope's items and points.
type Progress struct {
	Items           int     `json:"items"`
	Done            int     `json:"done"`
	Remaining       int     `json:"remaining"`
	Points          float64 `json:"points"`
	DonePoints      float64 `json:"done_points"`
	RemainingPoints float64 `json:"remaining_points"`
}

// judge gives the verdict of work due at due with progress p and forecast
// f (nil when there was no throughput to forecast from), as of asOf.
func judge(p Progress, f *Forecast, due, asOf time.Time, team string) (verdict, reason string) {
	dueS := day(due)
	switch {
	case p.Items == 0:
		return Unknown, "the scope matches no items: check the selectors"
	case p.Remaining == 0:
		return Done, fmt.Sprintf("all %s done", plural(p.Items, "item is", "items are"))
	case !due.IsZero() && !asOf.Before(due.AddDate(0, 0, 1)):
		return OffTrack, fmt.Sprintf("due %s has passed with %d of %d items open", dueS, p.Remaining, p.Items)
	case f == nil:
		return Unknown, fmt.Sprintf("%s finished no comparable items in the last weeks, so there is no pace to forecast from (%s open)", team, plural(p.Remaining, "item", "items"))
	case due.IsZero():
		return Unknown, fmt.Sprintf("no due date; 85%% likely done by %s", f.P85)
	}
	p50, _ := time.Parse(time.DateOnly, f.P50)
	p85, _ := time.Parse(time.DateOnly, f.P85)
	pace := fmt.Sprintf("%d open, %s/week", p.Remaining, perWeek(f.History))
	switch {
	case !p85.After(due):
		return OnTrack, fmt.Sprintf("85%% likely done by %s, before due %s (%s)", f.P85, dueS, pace)
	case !p50.After(due):
		return AtRisk, fmt.Sprintf("50%% likely by %s but 85%% only by %s, after due %s (%s)", f.P50, f.P85, dueS, pace)
	}
	return OffTrack, fmt.Sprintf("even the 50%% date %s is after due %s (%s)", f.P50, dueS, pace)
}

func perWeek(history []int) string {
	total := 0
	for _, h := range history {
		total += h
	}
	return fmt.Sprintf("%.1f items", float64(total)/float64(len(history)))
}
