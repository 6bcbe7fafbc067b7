// Package analysis finds the execution patterns (approval bottlenecks,
// stalled commitments, dependency delays, decision latency, handoff churn,
// silos, WIP overload...) in one window of the store's history and measures
// the metrics of the registry (metrics.go) over it.
//
// Data enters from the store (internal/store) and the config: Analyze and
// Ensure take a *store.Store and an Env (the window, the as-of time, the
// calendar, the state names, the thresholds and the plan's agreements).
// Before the modules run, prepare creates the derived facts of sql/ in the
// store: views, tables built once per data version and config and kept up
// per changed item after a sync (upkeep.go), and the few tables built per
// window (v_wip, v_sprint_commitment). The modules (one file each, Module
// in module.go) read only those facts and the store's tables, two at a
// time.
//
// Results leave as rows of the store (runs, findings, metrics: one run per
// window, replaced when the window is analysed again and reused while its
// inputs are unchanged, cache.go) and as the Summary returned to the
// caller; reports read them from there. DerivedFacts documents the views
// for `query --views`, and WindowFacts gives a question the facts that
// depend on the as-of time, as of its own time.
package analysis
