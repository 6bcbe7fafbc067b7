// Package config loads systemic.yaml: storage, sources (Jira, GitHub) with
// credentials expanded from ${ENV} references, teams and what they own,
// people aliases for identity merge, the state mapping, analysis
// thresholds, the working calendar and privacy. Load reports every problem
// at once, each with file:line and the fix, and rejects unknown keys so a
// typo never passes silently; LoadOffline is the same for commands that
// contact no tracker, so unset credential variables do not stop them. The
// plan (plan.yaml) is loaded here too, and every command's reporting window
// (--period, --from/--to) is read by one parser, ParsePeriod and
// ResolveWindow, into a Window.
package config
