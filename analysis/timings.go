package analysis

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"
)

// Step kinds of a Timing.
const (
	StepView   = "view"   // a derived view: creating it is cheap, reading it is the cost
	StepTable  = "table"  // a derived table, materialised by Prepare
	StepKept   = "kept"   // a stable derived table built earlier from the same inputs, or a view created earlier from the same definition
	StepUpkeep = "upkeep" // the stable tables' rows of the items a sync changed, built again (rows: items)
	StepModule = "module" // a pattern module
	StepTrend  = "trend"  // comparing the findings with the previous period
	StepWrite  = "write"  // writing the run, its findings and metrics
	// StepCompact rewrites the tables whose deleted rows reached a quarter
	// of them (store.Compact; rows: tables rewritten)
	StepCompact = "compact"
)

// Timing is the cost of one step of an analysis.
type Timing struct {
	Step string        `json:"step"` // derived fact or module name, "trend", "write", "compact"
	Kind string        `json:"kind"` // StepView, StepTable, ...
	Took time.Duration `json:"took_ns"`
	// Rows: the rows a table holds or a view returns, a module's findings
	// plus metrics, the findings after the trend step, the rows written.
	// -1 for a view when Timings.CountViews is off (counting scans it).
	Rows int64 `json:"rows"`
}

// Timings collects the steps of one Analyze when Options.Timings is set.
type Timings struct {
	// CountViews counts the rows of every derived view after it is
	// created: a full evaluation of each view, so it costs time that is
	// not included in the view's Took.
	CountViews bool
	Steps      []Timing
}

// Total is the sum of the steps' times.
func (t *Timings) Total() time.Duration {
	var d time.Duration
	for _, s := range t.Steps {
		d += s.Took
	}
	return d
}

// stepObserver records steps into Timings and logs each at debug level.
// The zero value (no timings, no logger) does nothing.
type stepObserver struct {
	timings *Timings
	log     *slog.Logger
}

func (o stepObserver) active(ctx context.Context) bool {
	return o.timings != nil || (o.log != nil && o.log.Enabled(ctx, slog.LevelDebug))
}

// derived records the creation (or keeping) of a derived fact from t0. A
// table's rows are counted (cheap); a view's only with CountViews.
func (o stepObserver) derived(ctx context.Context, db *sql.DB, d Derived, t0 time.Time, kept bool) error {
	if !o.active(ctx) {
		return nil
	}
	took := time.Since(t0)
	kind, rows := StepView, int64(-1)
	if d.Table {
		kind = StepTable
	}
	if kept {
		kind = StepKept
	}
	if d.Table || (o.timings != nil && o.timings.CountViews) {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+d.Name).Scan(&rows); err != nil {
			return fmt.Errorf("timings: count rows of %s: %w", d.Name, err)
		}
	}
	o.record(ctx, Timing{Step: d.Name, Kind: kind, Took: took, Rows: rows})
	return nil
}

// step records a module, the trend or the write, started at t0.
func (o stepObserver) step(ctx context.Context, name, kind string, t0 time.Time, rows int) {
	o.took(ctx, name, kind, time.Since(t0), rows)
}

// took records a step that took d.
func (o stepObserver) took(ctx context.Context, name, kind string, d time.Duration, rows int) {
	if o.active(ctx) {
		o.record(ctx, Timing{Step: name, Kind: kind, Took: d, Rows: int64(rows)})
	}
}

func (o stepObserver) record(ctx context.Context, t Timing) {
	if o.timings != nil {
		o.timings.Steps = append(o.timings.Steps, t)
	}
	if o.log != nil {
		o.log.DebugContext(ctx, "analysis step", "step", t.Step, "kind", t.Kind,
			"took", t.Took.Round(time.Microsecond), "rows", t.Rows)
	}
}
