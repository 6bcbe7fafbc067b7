package analysis

import (
	"fmt"
	"time"
)

// env_now() is the instant the open intervals of sql/v_status_intervals.sql,
// v_blocked.sql, v_review_waits.sql and v_decisions.sql are measured to.
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
	return []string{fmt.Sprintf("%s AS TIMESTAMPTZ '%s'", nowMacroHead, sqlTime(now))}
}

// nowMacroHead opens the statement that creates env_now(), by which the
// derived facts' fingerprints tell it from the config's macros
// (writePrelude).
const nowMacroHead = "CREATE OR REPLACE MACRO env_now()"

// sqlTime formats t as a TIMESTAMPTZ literal body in UTC.
func sqlTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
}
