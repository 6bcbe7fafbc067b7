package synth_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/systemic-dev/systemic/internal/synth"
)

// BenchmarkGenerate measures generation speed. "org" is the demo
// organisation; "200k" an organisation of about 200,000 items (30 teams,
// 1,500 people); SYNTH_BENCH_ITEMS overrides that size.
func BenchmarkGenerate(b *testing.B) {
	big := synth.DefaultSpec()
	big.Teams, big.People = 30, 1500
	total := 200_000
	if v, err := strconv.Atoi(os.Getenv("SYNTH_BENCH_ITEMS")); err == nil && v > 0 {
		total = v
	}
	big = big.ForItems(total)
	for _, bc := range []struct {
		name string
		spec synth.Spec
	}{{"org", synth.DefaultSpec()}, {"200k", big}} {
		b.Run(bc.name, func(b *testing.B) {
			if testing.Short() && bc.name != "org" {
				b.Skip("large organisation in -short mode")
			}
			var items, events int
			for b.Loop() {
				res, err := synth.Generate(b.TempDir(), bc.spec)
				if err != nil {
					b.Fatal(err)
				}
				items, events = res.Items, res.Events
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(items), "items")
			b.ReportMetric(float64(events), "events")
			b.ReportMetric(float64(items)/sec, "items/s")
			b.ReportMetric(float64(events)/sec, "events/s")
		})
	}
}
