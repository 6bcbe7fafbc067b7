// Package synth generates a synthetic organisation for the demo, tests and
// benchmarks: teams and people with Jira and GitHub identities, Jira projects
// with two-week sprints, epics, stories and bugs, and GitHub repositories with
// pull requests, review requests, reviews and comments.
//
// Data enters as a Spec (seed, size, end date). Work is simulated, not drawn
// as noise: items move through a workflow at team-specific rates, people have
// limited slots for active work, reviewers have queues whose length slows
// their pickup, blocked items wait for their blocker to be done. A few known
// patterns are planted on purpose (an approval bottleneck, sprint carry-over,
// a slow dependency, a slow decider, ownership ping-pong, a review silo, WIP
// overload, merges without review, sprint scope churn) next to a healthy
// control team. Every pattern but the silo is a bounded stretch of
// behaviour, placed by the seed before the last month, up to the end or in
// the middle of the history (stretch.go); outside its stretch the team works
// at healthy rates. The ground truth records the span each stretch actually
// produced, and Pattern.Overlaps and Pattern.Absent say what a report
// window should and must not find.
//
// Data leaves as files in a dataset directory, in the real API shapes that
// connectors/jira/jiratest and connectors/github/githubtest serve: DIR/jira/
// and DIR/github/ (JSON and JSON Lines, streamed one item per line), plus
// DIR/ground_truth.json (the planted patterns) and DIR/plan.yaml. WriteConfig
// writes a systemic.yaml pointing at the fake servers. The same Spec always
// gives byte-identical files: randomness is seeded PCG, output order never
// depends on map iteration, and no clock is read.
package synth
