package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// Waits are measured in working hours (work_hours). A threshold written as
// a duration counts whole days as working days: 2d is two working days
// (16 working hours on a 09:00-17:00 calendar), 36h one and a half.

// dayHours is the length of one working day of env's calendar in hours.
func dayHours(env *Env) float64 {
	w := resolveCalendar(env.Calendar)
	return float64(w.end-w.start) / 3600
}

// workThreshold converts a duration threshold to working hours.
func workThreshold(env *Env, d config.Duration) float64 {
	return d.D().Hours() / 24 * dayHours(env)
}

// workDays renders working hours as "2.8 working days": every wait in a
// finding is said in working days, as the report's tables show it, so one
// measure never appears in two units.
func workDays(env *Env, wh float64) string {
	return fmt.Sprintf("%.1f working days", wh/dayHours(env))
}

// overScore is how far value exceeds threshold, 0 at the threshold rising
// towards 1: 0.5 at twice the threshold, 0.75 at four times.
func overScore(value, threshold float64) float64 {
	if threshold <= 0 || value <= threshold {
		return 0
	}
	return round2(1 - threshold/value)
}

// overSeverity is warn above the threshold, critical at twice it.
func overSeverity(value, threshold float64) string {
	switch {
	case value >= 2*threshold:
		return Critical
	case value > threshold:
		return Warn
	}
	return Info
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// queryEach runs q and calls row with a scanner for every result row.
func queryEach(ctx context.Context, db *sql.DB, q string, args []any, row func(scan func(...any) error) error) error {
	rs, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := row(rs.Scan); err != nil {
			return err
		}
	}
	return rs.Err()
}

// windowArgs are env's window bounds and now as query arguments.
func windowArgs(env *Env) []any {
	return []any{env.From.UTC(), env.To.UTC(), nowOf(env).UTC()}
}

// nowOf is env.Now, else the window end.
func nowOf(env *Env) time.Time {
	if env.Now.IsZero() {
		return env.To
	}
	return env.Now
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// topItems keeps the n items with the largest values, largest first
// (ties by key), so evidence stays readable.
func topItems(items []EvidenceItem, n int) []EvidenceItem {
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Value != items[j].Value {
			return items[i].Value > items[j].Value
		}
		return items[i].Key < items[j].Key
	})
	if len(items) > n {
		items = items[:n]
	}
	return items
}

// percent shows a share 0..1 as a whole percentage, "under 1%" rather
// than "0%" when it is not zero.
func percent(share float64) string {
	if share > 0 && share < 0.005 {
		return "under 1%"
	}
	return fmt.Sprintf("%.0f%%", 100*share)
}

// possessive is name's, or name' when the name ends in s ("payments'").
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

// wasWere is "1 item was" or "3 items were".
func wasWere(n int, word string) string {
	if n == 1 {
		return plural(n, word) + " was"
	}
	return plural(n, word) + " were"
}

// plural writes n with word, adding an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
