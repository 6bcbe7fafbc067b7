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
	meds := make([]float64, rounds)
	sample := make([]float64, n)
	for r := range meds {
		for i := range sample {
			sample[i] = xs[rng.IntN(n)]
		}
		meds[r] = Median(sample)
	}
	sort.Float64s(meds)
	alpha := (1 - level) / 2
	return stat.Quantile(alpha, stat.Empirical, meds, nil), stat.Quantile(1-alpha, stat.Empirical, meds, nil)
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
