package analysis

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Quantile returns the p-quantile (0..1) of xs by the empirical
// distribution (gonum stat.Empirical: the smallest value with at least a
// share p of the sample at or below it). xs is not modified; NaN when empty.
func Quantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := sortedCopy(xs)
	return stat.Quantile(math.Min(math.Max(p, 0), 1), stat.Empirical, s, nil)
}

// Median is Quantile(xs, 0.5) averaged with its upper neighbour for even
// samples, so two values give their midpoint. NaN when empty.
func Median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	s := sortedCopy(xs)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Gini returns the Gini coefficient of non-negative loads: 0 when all are
// equal, approaching 1 when one holds everything. 0 when empty or all zero.
func Gini(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	s := sortedCopy(xs)
	var sum, weighted float64
	for i, x := range s {
		sum += x
		weighted += float64(i+1) * x
	}
	if sum <= 0 {
		return 0
	}
	return (2*weighted)/(float64(n)*sum) - float64(n+1)/float64(n)
}

// BootstrapMedianCI returns a percentile bootstrap confidence interval of
// the median of xs at level (e.g. 0.9), from rounds resamples drawn with a
// source seeded by seed, so the same data always gives the same interval.
// A finding resting on a median of few values states this interval.
func BootstrapMedianCI(xs []float64, level float64, rounds int, seed uint64) (lo, hi float64) {
	n := len(xs)
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	if rounds <= 0 {
		rounds = 1000
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	sorted, rank := ranked(xs)
	meds := make([]float64, rounds)
	counts := make([]int, n)
	for r := range meds {
		clear(counts)
		for range n {
			counts[rank[rng.IntN(n)]]++
		}
		meds[r] = countedMedian(sorted, counts)
	}
	sort.Float64s(meds)
	alpha := (1 - level) / 2
	return stat.Quantile(alpha, stat.Empirical, meds, nil), stat.Quantile(1-alpha, stat.Empirical, meds, nil)
}

// ranked returns xs sorted (as sort.Float64s orders) and the position of
// each xs[i] in it. A resample of xs then is a count per position: its
// order statistics are read off the counts without sorting it, the cost
// of a bootstrap round going from a sort to one pass.
func ranked(xs []float64) (sorted []float64, rank []int) {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := xs[order[a]], xs[order[b]]
		return x < y || (math.IsNaN(x) && !math.IsNaN(y))
	})
	sorted, rank = make([]float64, len(xs)), make([]int, len(xs))
	for r, i := range order {
		sorted[r], rank[i] = xs[i], r
	}
	return sorted, rank
}

// countedMedian is Median of the sample holding counts[r] copies of
// sorted[r], counts summing to len(sorted).
func countedMedian(sorted []float64, counts []int) float64 {
	n := len(sorted)
	at := func(k int) float64 { // the k-th smallest value of the sample, from 0
		seen := 0
		for r, c := range counts {
			if seen += c; seen > k {
				return sorted[r]
			}
		}
		return sorted[n-1]
	}
	if n%2 == 1 {
		return at(n / 2)
	}
	return (at(n/2-1) + at(n/2)) / 2
}

// Mean is the arithmetic mean; NaN when empty.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return stat.Mean(xs, nil)
}

func sortedCopy(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s
}
