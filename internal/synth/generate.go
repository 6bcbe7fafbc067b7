package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Result describes a generated organisation: where it is, who is in it and
// how much was written.
type Result struct {
	Dir   string
	Spec  Spec
	Owner string
	Teams []TeamInfo
	// People are the humans (the bot is not listed: it has no config entry).
	People []PersonInfo
	Truth  GroundTruth

	Items        int // Jira issues, pull requests and GitHub issues
	JiraIssues   int
	PullRequests int
	Events       int // changelog items, issue events, reviews and comments
}

// TeamInfo is one team and what it owns.
type TeamInfo struct {
	Name    string
	Project string // Jira project key
	Board   int
	Repo    string   // owner/name
	Members []string // person ids
}

// PersonInfo is one person and their identities.
type PersonInfo struct {
	Name      string
	ID        string // person id (contract: lowercased name)
	Team      string
	Email     string
	Login     string // GitHub
	AccountID string // Jira
}

// gen is the state of one generation run.
type gen struct {
	spec      Spec
	org       *org
	dir       string
	res       *Result
	byAccount map[string]int
	arrivals  [][]arrival
	partners  map[int]partner // by waiting issue number
	slots     map[int][]time.Time
	queues    map[int][]time.Time
	lastEpic  map[int]string
	truth     truth
	historyID int
	linkID    int
	ghID      int64
	// Counters kept apart because Jira and GitHub are generated at once.
	jiraEvents, ghItems, ghEvents int
	// growthNext is the next growth arrival a blocker may pair with.
	growthNext int
	doneByKey  map[string]time.Time // platform deliveries for the plan
	// stretches are the intended periods of the bounded planted families.
	stretches map[string]stretch
}

// Generate writes the organisation described by spec into dir: the Jira
// and GitHub datasets, ground_truth.json and plan.yaml.
func Generate(dir string, spec Spec) (*Result, error) {
	spec = spec.withDefaults()
	if err := spec.validate(); err != nil {
		return nil, err
	}
	g := &gen{spec: spec, org: newOrg(spec), dir: dir, byAccount: map[string]int{}, partners: map[int]partner{},
		slots: map[int][]time.Time{}, queues: map[int][]time.Time{}, lastEpic: map[int]string{}}
	g.truth.end = spec.End
	g.stretches = planStretches(spec)
	g.res = g.result()
	for i, p := range g.org.people {
		if !p.Bot {
			g.byAccount[p.AccountID] = i
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	g.planArrivals()
	steps := []func() error{
		func() error { return g.org.writeJiraStatic(filepath.Join(dir, "jira")) },
		g.runTrackers,
		func() error {
			g.res.Truth = g.groundTruth()
			return writeJSON(filepath.Join(dir, "ground_truth.json"), g.res.Truth)
		},
		g.writePlan,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return g.res, nil
}

// runTrackers generates Jira and GitHub side by side: each is sequential
// and seeded on its own, and they share only read-only state (the org and
// the Jira arrivals), so the output stays deterministic.
func (g *gen) runTrackers() error {
	ghErr := make(chan error, 1)
	go func() { ghErr <- g.runGitHub() }()
	err := g.runJira()
	if err2 := <-ghErr; err == nil {
		err = err2
	}
	g.res.Items = g.res.JiraIssues + g.ghItems
	g.res.Events = g.jiraEvents + g.ghEvents
	return err
}

func (g *gen) path(parts ...string) string {
	return filepath.Join(append([]string{g.dir}, parts...)...)
}

func (g *gen) result() *Result {
	o := g.org
	res := &Result{Dir: g.dir, Spec: g.spec, Owner: g.spec.Owner}
	for _, t := range o.teams {
		ti := TeamInfo{Name: t.Name, Project: t.Project, Board: t.Board, Repo: g.spec.Owner + "/" + t.Repo}
		for _, m := range t.Members {
			ti.Members = append(ti.Members, o.people[m].ID)
		}
		res.Teams = append(res.Teams, ti)
	}
	for _, p := range o.people {
		if p.Bot {
			continue
		}
		res.People = append(res.People, PersonInfo{Name: p.Name, ID: p.ID, Team: o.teams[p.Team].Name,
			Email: p.Email, Login: p.Login, AccountID: p.AccountID})
	}
	return res
}
