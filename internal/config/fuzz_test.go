package config_test

import (
	"testing"

	"github.com/systemic-dev/systemic/internal/config"
)

// Bad input must come back as an error naming the file, never a panic.
var fuzzSeeds = []string{
	"", "- a\n- b", "42", "sources: 5", "sources: [~]", "sources: [{name: j, kind: jira, auth: 3}]",
	"a: &x [*x]", "teams: [{name: t, github: {repos: [~]}}]", "calendar: {timezone: ~, working_days: [~]}",
	"sources:\n  - {name: gh, kind: github, url: \"${X}\", auth: {token: \"${T}\"}, repos: [a/b]}",
	"period: {from: 2026-13-01}\ngoals: [{id: g, due: x, scope: 5}]", "agreements: [{metric: wip_per_person, target: -1}]",
	"decisions: [{owners: 5, sla: 2x}]", "dependencies: [~]",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	lookup := func(string) (string, bool) { return "v", true }
	f.Fuzz(func(t *testing.T, data string) {
		if _, err := config.Parse("systemic.yaml", []byte(data), lookup); err != nil && err.Error() == "" {
			t.Error("empty error message")
		}
	})
}

func FuzzParsePlan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if _, err := config.ParsePlan("plan.yaml", []byte(data), []string{"platform"}); err != nil && err.Error() == "" {
			t.Error("empty error message")
		}
	})
}
