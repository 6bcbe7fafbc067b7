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
// (health_snapshots) of a report whose period is a month.
//
// Generate builds the model (model.go), the plan comparison (goals.go,
// forecast.go, dependencies.go, decisions.go, agreements.go), the chart
// data (interaction.go), the trends (health.go), the coverage (coverage.go)
// and pseudonyms (privacy.go), then writes each format (json.go,
// markdown.go, html.go with svg.go and templates/).
//
// # report.json, schema_version 1
//
// Fields are only ever added; renaming or removing one bumps
// schema_version. Dates are YYYY-MM-DD, durations are hours (calendar hours
// unless said otherwise), shares 0..1.
//
//	schema_version   1
//	title, generated_at (RFC 3339)
//	period           {from, to (exclusive), label ("2026-10", "2026-Q4", ...)}
//	headline         {goals, dependencies, decisions, agreements: verdict -> count;
//	                  findings: severity -> count; coverage: "complete" or
//	                  "incomplete data: <source>: <why>; ..."}
//	findings[]       {rank, layer (content | interaction), pattern, severity, team,
//	                  subject_kind, subject, score, summary,
//	                  evidence {values, items[{key, url, value, note}], people}}
//	                  ranked by severity then score; people pseudonymised
//	plan             {file, warnings[] (selectors matching nothing, unmeasurable
//	                  agreements), goals[], dependencies[], decisions[], agreements[]}
//	  goals[]        {id, title, team, due, verdict, reason,
//	                  progress {items, done, remaining, points, done_points, remaining_points},
//	                  forecast {remaining, history[] (done per week, oldest first), trials,
//	                    weeks_p10/p50/p85/p95, as_of, p10, p50, p85, p95, capped}}
//	  dependencies[] {id, title, from (delivers), to (waits), what, due, verdict, reason,
//	                  progress, delivered_at, late_days, forecast,
//	                  downstream_wait {items, hours, teams[], not_measured}}
//	  decisions[]    {id, title, owners[], sla_hours, verdict, reason, not_measured, decided,
//	                  open, open_over_sla, owner_share, p50_hours, p85_hours,
//	                  others[{name, n}] (who decided instead of the owners),
//	                  within_sla, work_day_hours}
//	                  sla_hours, p50_hours and p85_hours are working hours (since
//	                  the report measures decision rights with
//	                  analysis.DecisionStats, as the decision_latency findings
//	                  do; before, calendar hours): an SLA of 2d is two working
//	                  days, 2 x work_day_hours (the calendar's day_end - day_start)
//	  agreements[]   {id, title, metric, target (as written), verdict, reason, not_measured,
//	                  this_period, last_period {share, n, value, label}, trend}
//	metrics[]        {scope_kind, scope, metric, period, value, n} of the analyze run
//	interaction      {review_waits[{team, n, buckets[5], p50_hours, p85_hours}],
//	                  dependency_waits[{waiting, blocking, items, hours, p50_hours}],
//	                  sprints[{team, sprint, end, committed, completed, added}] (sprints
//	                  completed by the period's end; end is when),
//	                  sprints_under_way[{team, sprint, start, end (planned), committed,
//	                  added, in_sprint, done, committed_done, days_left}] (started and
//	                  not completed by the period's end, numbers as of then)}
//	health           {periods[], series[{team, metric, label, values[] (null: no
//	                  snapshot)}], stored, not_measured}
//	coverage         {sources[{name, kind, last_sync_at (last successful sync),
//	                  last_attempt_at, status, error (of the last attempt), items,
//	                  stale (last success before the period's end)}],
//	                  counts[{name, n}], run, not_measured[], notes[],
//	                  complete, warnings[] (shown first in HTML and Markdown)}
//
// Verdicts: done, on track, at risk, off track, late (a dependency delivered
// after its due date), unknown (with the reason why). Goal and dependency
// forecasts: 85% likely by the due date is on track, only 50% is at risk,
// less is off track. Decision rights (analysis.DecisionStats, working hours;
// a plan owner given by first name counts the one person the report shows
// for it): median over the SLA is off track, P85 over it or owners taking
// under 80% is at risk. Agreements: at least 90%
// of cases within the target is on track, 70% at risk; unreviewed_merges
// compares the count with the target; fewer cases than
// Thresholds.MinSample is unknown.
package reports
