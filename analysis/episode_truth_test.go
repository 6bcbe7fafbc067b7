package analysis_test

import (
	"testing"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/synth"
)

// TestGroundTruthMinimumEpisodes: the synthetic organisation's ground
// truth expects each planted behaviour to be found once it overlaps a
// window by the same minimum duration analysis applies.
func TestGroundTruthMinimumEpisodes(t *testing.T) {
	spec := synth.DefaultSpec()
	spec.Seed, spec.Months, spec.ItemsPerTeamMonth = 1, 3, 6
	res, err := synth.Generate(t.TempDir(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Truth.Patterns) == 0 {
		t.Fatal("ground truth without planted patterns")
	}
	compared := 0
	for _, p := range res.Truth.Patterns {
		want, ok := analysis.MinEpisodeDays[p.Family]
		if !ok {
			continue // judged over the window as a whole
		}
		compared++
		if p.MinDays != want {
			t.Errorf("%s: ground truth minimum %d working days, analysis %d", p.Family, p.MinDays, want)
		}
	}
	if compared == 0 {
		t.Fatal("no planted pattern of a family with episodes to compare")
	}
	t.Logf("%d planted patterns compared", compared)
}
