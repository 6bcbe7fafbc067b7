package main

import (
	"log/slog"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
)

// windowTally counts the windows a report reused and analysed (its own
// and its health trend's months, each once), so a scheduled run shows
// what a sync cost it.
type windowTally struct {
	seen     map[string]bool
	reused   int
	analysed []string // "run id (why)"
}

func (t *windowTally) add(run analysis.WindowRun) {
	if t.seen[run.ID] { // the report's own window is also a month of its trend
		return
	}
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	t.seen[run.ID] = true
	if run.Cached {
		t.reused++
		return
	}
	t.analysed = append(t.analysed, run.ID+" ("+run.Why+")")
}

// log writes one info line: how many windows were reused and which were
// analysed again, and why.
func (t *windowTally) log(log *slog.Logger) {
	if t.reused+len(t.analysed) == 0 {
		return
	}
	log.Info("analysis windows", "reused", t.reused, "analysed", len(t.analysed),
		"analysed_windows", strings.Join(t.analysed, ", "))
}
