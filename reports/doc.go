// Package reports holds what the teams planned against what the store
// shows and renders it for people: a self-contained HTML page, Markdown for
// a wiki and report.json for tools.
//
// Data enters from the store only: items and sources (base tables), the
// findings and metrics of an analyze run, and the documented v_* views of
// the analysis package; the plan comes from config.LoadPlan. Reports never
// call the trackers. A view that does not exist yet (an older store, an
// analyze that has not run) degrades to "not measured: why" in the section
// that needed it. The one write is the monthly health snapshot
// (health_snapshots) of a --period report.
//
// Generate builds the model (model.go), the plan comparison (goals.go,
// forecast.go, dependencies.go, decisions.go, agreements.go), the trends
// (health.go) and pseudonyms (privacy.go), then writes each format
// (json.go, markdown.go, html.go with svg.go).
package reports
