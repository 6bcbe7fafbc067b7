package analysis_test

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
)

func TestStats(t *testing.T) {
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"quantile p50 odd", analysis.Quantile([]float64{5, 1, 3}, 0.5), 3},
		{"quantile p85", analysis.Quantile([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.85), 9},
		{"quantile p100", analysis.Quantile([]float64{4, 2}, 1), 4},
		{"quantile p0", analysis.Quantile([]float64{4, 2}, 0), 2},
		{"median even", analysis.Median([]float64{4, 1, 2, 3}), 2.5},
		{"median one", analysis.Median([]float64{7}), 7},
		{"gini equal", analysis.Gini([]float64{3, 3, 3}), 0},
		{"gini one holds all", analysis.Gini([]float64{0, 0, 0, 10}), 0.75},
		{"gini empty", analysis.Gini(nil), 0},
		{"gini zeros", analysis.Gini([]float64{0, 0}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 1e-9 {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	if !math.IsNaN(analysis.Quantile(nil, 0.5)) || !math.IsNaN(analysis.Median(nil)) {
		t.Error("empty sample: want NaN")
	}
	xs := []float64{3, 1, 2}
	analysis.Quantile(xs, 0.5)
	if xs[0] != 3 {
		t.Error("Quantile sorted its input")
	}
}

func TestBootstrapMedianCI(t *testing.T) {
	xs := []float64{1, 2, 2, 3, 3, 3, 4, 4, 5, 30}
	lo, hi := analysis.BootstrapMedianCI(xs, 0.9, 2000, 7)
	lo2, hi2 := analysis.BootstrapMedianCI(xs, 0.9, 2000, 7)
	if lo != lo2 || hi != hi2 {
		t.Errorf("not deterministic: [%v %v] then [%v %v]", lo, hi, lo2, hi2)
	}
	if m := analysis.Median(xs); lo > m || hi < m || lo < 1 || hi > 30 {
		t.Errorf("interval [%v %v] does not hold the median %v", lo, hi, m)
	}
	if lo, hi := analysis.BootstrapMedianCI([]float64{4}, 0.9, 100, 1); lo != 4 || hi != 4 {
		t.Errorf("one value: [%v %v], want [4 4]", lo, hi)
	}
}

// TestBootstrapMedianCIResamples holds the interval to its definition:
// resample with the seeded source, take each resample's median, read the
// percentiles; odd and even sizes, ties, a single value.
func TestBootstrapMedianCIResamples(t *testing.T) {
	gen := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 4, 7, 10, 25, 64} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(gen.IntN(9)) * 1.5 // few distinct values: ties
		}
		for _, seed := range []uint64{1, 7} {
			wantLo, wantHi := resampledMedianCI(xs, 0.9, 300, seed)
			lo, hi := analysis.BootstrapMedianCI(xs, 0.9, 300, seed)
			if lo != wantLo || hi != wantHi {
				t.Errorf("n=%d seed=%d: [%v %v], want [%v %v] (xs %v)", n, seed, lo, hi, wantLo, wantHi, xs)
			}
		}
	}
}

// resampledMedianCI is the bootstrap written out: every resample sorted.
func resampledMedianCI(xs []float64, level float64, rounds int, seed uint64) (float64, float64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	meds := make([]float64, rounds)
	sample := make([]float64, len(xs))
	for r := range meds {
		for i := range sample {
			sample[i] = xs[rng.IntN(len(xs))]
		}
		meds[r] = analysis.Median(sample)
	}
	sort.Float64s(meds)
	alpha := (1 - level) / 2
	return analysis.Quantile(meds, alpha), analysis.Quantile(meds, 1-alpha)
}
