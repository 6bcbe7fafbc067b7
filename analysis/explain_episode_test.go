package analysis_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
)

// TestExplainStatesEpisodeRule: the families whose episodes came last say
// so in their --explain text, with the minimum duration in working days
// that analysis.MinEpisodeDays holds (analyze --explain adds that line for
// every family).
func TestExplainStatesEpisodeRule(t *testing.T) {
	for _, fam := range []string{"approval_bottleneck", "handoff_churn", "ownership_gap", "scope_churn"} {
		days, ok := analysis.MinEpisodeDays[fam]
		if !ok {
			t.Errorf("%s: no minimum episode duration in analysis.MinEpisodeDays", fam)
			continue
		}
		m, err := analysis.Lookup(fam)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ToLower(m.Explain())
		if !strings.Contains(text, "episode") || !strings.Contains(text, fmt.Sprintf("%d working days", days)) {
			t.Errorf("%s: explain does not state its episode rule (%d working days):\n%s", fam, days, m.Explain())
		}
	}
}
