package analysis_test

import (
	"testing"

	"github.com/systemic-dev/systemic/analysis"
)

// TestWording: findings' summaries are plain sentences, so a team named
// "payments" gets "payments'" and one item "was" added.
func TestWording(t *testing.T) {
	tests := []struct{ got, want string }{
		{analysis.Possessive("payments"), "payments'"},
		{analysis.Possessive("data"), "data's"},
		{analysis.WasWere(1, "item"), "1 item was"},
		{analysis.WasWere(0, "item"), "0 items were"},
		{analysis.WasWere(3, "item"), "3 items were"},
		{analysis.Percent(0.004), "under 1%"},
		{analysis.Percent(0), "0%"},
		{analysis.Percent(0.255), "26%"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
