package analysis

import (
	"fmt"
	"time"
)

// v_status_intervals: per item, the stretches of time between its status
// changes. The first interval holds the state the item was created in (the
// from-value of its first status change, or its current status when it
// never changed) from its creation; each status change opens the next.
// GitHub items have no workflow: their closed, merged and reopened events
// act as changes between "open" (indeterminate) and "closed"/"merged"
// (done). The current interval has end_at NULL and is measured up to
// env_now(). Clock skew is clamped: a change dated before the item's
// creation starts at the creation, so no interval is negative.
//
// Beyond the contract's columns it carries seq (1 = the creation state),
// category (the tracker's status category), entered_by and left_by (the
// person who moved the item into and out of the state; NULL for the
// creation state and for open intervals).
func init() {
	RegisterPrelude(1, nowMacro)
}

// nowMacro defines env_now(): the instant open intervals are measured to,
// env.Now (else the window end, else the wall clock for ad hoc queries).
func nowMacro(env *Env) []string {
	now := env.Now
	if now.IsZero() {
		now = env.To
	}
	if now.IsZero() {
		now = time.Now()
	}
	return []string{fmt.Sprintf("CREATE OR REPLACE MACRO env_now() AS TIMESTAMPTZ '%s'", sqlTime(now))}
}

// sqlTime formats t as a TIMESTAMPTZ literal body in UTC.
func sqlTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
}
