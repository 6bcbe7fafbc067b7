// Package plandraft drafts plan.yaml from what the store already holds, so
// a coach starts a workshop from the tracker instead of a blank page:
// goals from open epics and GitHub milestones, dependencies from "blocks"
// links that cross teams, decision rights from statuses and labels that
// look like decision points, and working agreements from the config's
// thresholds. Every drafted entry carries a comment saying where it came
// from. Drafting only reads the store.
package plandraft
