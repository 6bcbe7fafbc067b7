package query

import (
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// Window resolves a period name or from/to dates (to inclusive) into
// [from, to) with the one period parser every command uses
// (config.ResolveWindow); empty values leave that side open.
func Window(period, from, to string, now time.Time) (time.Time, time.Time, error) {
	w, err := config.ResolveWindow(period, from, to, now)
	return w.From, w.To, err
}
