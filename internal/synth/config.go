package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DemoToken is the literal token of the generated config. It opens nothing:
// the fake servers accept any token, and a literal (rather than ${VAR})
// lets `systemic query` and `report` load the demo config with no setup.
const DemoToken = "demo-token"

// DemoTokenEnv is the variable earlier generated configs read the token
// from. Configs no longer need it; setting it stays harmless.
const DemoTokenEnv = "SYSTEMIC_DEMO_TOKEN"

// WriteConfig writes a systemic.yaml for the generated organisation to
// path, with a Jira source at jiraURL and a GitHub source at githubURL
// (the fake servers). Storage and plan paths are relative to the config.
func WriteConfig(path string, res *Result, jiraURL, githubURL string) error {
	var b strings.Builder
	plan, err := filepath.Rel(filepath.Dir(path), filepath.Join(res.Dir, "plan.yaml"))
	if err != nil {
		plan = filepath.Join(res.Dir, "plan.yaml")
	}
	var projects, repos, boards []string
	for _, t := range res.Teams {
		projects = append(projects, t.Project)
		repos = append(repos, t.Repo)
		boards = append(boards, fmt.Sprint(t.Board))
	}
	fmt.Fprintf(&b, "# systemic configuration for the synthetic organisation (seed %d), written by internal/synth.\n", res.Spec.Seed)
	fmt.Fprintf(&b, "storage: {path: systemic.duckdb}\nplan: %s\n", filepath.ToSlash(plan))
	fmt.Fprintf(&b, "sources:\n")
	fmt.Fprintf(&b, "  - name: demo-jira\n    kind: jira\n    url: %q\n    auth: {email: \"demo@%s\", token: %q}\n", jiraURL, res.Spec.Domain, DemoToken)
	fmt.Fprintf(&b, "    deployment: cloud\n    projects: [%s]\n    boards: [%s]\n", strings.Join(projects, ", "), strings.Join(boards, ", "))
	fmt.Fprintf(&b, "    fields: {story_points: customfield_10016, sprint: customfield_10020, epic_link: customfield_10014, flagged: customfield_10021}\n")
	fmt.Fprintf(&b, "  - name: demo-github\n    kind: github\n    url: %q\n    auth: {token: %q}\n    repos: [%s]\n", githubURL, DemoToken, strings.Join(repos, ", "))
	b.WriteString("teams:\n")
	byID := map[string]PersonInfo{}
	for _, p := range res.People {
		byID[p.ID] = p
	}
	for _, t := range res.Teams {
		var members []string
		for _, m := range t.Members {
			members = append(members, fmt.Sprintf("%q", byID[m].Name))
		}
		fmt.Fprintf(&b, "  - name: %s\n    members: [%s]\n    jira: {projects: [%s]}\n    github: {repos: [%s], teams: [%s/%s]}\n",
			t.Name, strings.Join(members, ", "), t.Project, t.Repo, res.Owner, t.Name)
	}
	b.WriteString("people:\n")
	for _, p := range res.People {
		fmt.Fprintf(&b, "  - {name: %q, ids: [%q, \"github:%s\", \"jira:%s\"]}\n", p.Name, p.Email, p.Login, p.AccountID)
	}
	b.WriteString(`states:
  active: [In Progress]
  blocked: [Blocked]
  decision: [Awaiting Approval]
  review: [In Review]
  done: [Done]
calendar: {timezone: UTC, working_days: [mon, tue, wed, thu, fri], day_start: "09:00", day_end: "17:00"}
`)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
