package synth

import (
	"fmt"
	"strings"
	"time"
)

// Roles of the first six teams. Teams beyond six are healthy background teams.
const (
	teamPlatform = iota // home of the approval bottleneck reviewer and a fast decider
	teamData            // blocks growth for weeks; review silo repo; WIP-overloaded person
	teamGrowth          // waits on data; its PRs wait on the bottleneck reviewer
	teamPayments        // slow decider; ownership ping-pong
	teamMobile          // committed work carried over sprint after sprint
	teamWeb             // healthy control team
)

var teamNames = []string{"platform", "data", "growth", "payments", "mobile", "web"}
var projectKeys = []string{"PLAT", "DATA", "GROW", "PAY", "MOB", "WEB"}
var repoNames = []string{"platform-api", "data-pipeline", "growth-web", "payments-service", "mobile-app", "web-storefront"}

type person struct {
	idx       int
	Name      string // config name
	ID        string // person id derived from Name
	Email     string // primary e-mail (config)
	JiraName  string // Jira displayName (sometimes differs from Name)
	JiraEmail string // "" when hidden by the user's privacy settings
	AccountID string
	Login     string
	GitHubID  int64
	Team      int
	Bot       bool
}

type team struct {
	idx     int
	Name    string
	Project string
	Repo    string // repository name (without owner)
	Members []int  // person indexes
	Board   int
	Sprints []sprint
}

type sprint struct {
	ID                   int
	Name                 string
	Start, End, Complete time.Time
}

func (s sprint) state(now time.Time) string {
	switch {
	case !s.Start.Before(now):
		return "future"
	case s.Complete.After(now):
		return "active"
	}
	return "closed"
}

type org struct {
	spec   Spec
	teams  []team
	people []person // the last one is the bot
	bot    int
	// Planted roles (person indexes, -1 when the team does not exist).
	bottleneck, slowDecider, fastDecider, silo, overloaded, crossReviewer int
}

var firstNames = []string{"Alice", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
	"Kavya", "Liam", "Mara", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wen", "Yara"}
var lastNames = []string{"Martin", "Okafor", "Rossi", "Ivanov", "Garcia", "Haddad", "Kim", "Lefebvre", "Silva", "Berg",
	"Nair", "Walsh", "Novak", "Larsen", "Petrova", "Costa", "Brennan", "Alvarez", "Aziz", "Sato", "Khan", "Moreau"}

func newOrg(s Spec) *org {
	o := &org{spec: s}
	for t := range s.Teams {
		tm := team{idx: t, Board: t + 1}
		if t < len(teamNames) {
			tm.Name, tm.Project, tm.Repo = teamNames[t], projectKeys[t], repoNames[t]
		} else {
			tm.Name, tm.Project, tm.Repo = fmt.Sprintf("team-%d", t+1), fmt.Sprintf("T%d", t+1), fmt.Sprintf("service-%d", t+1)
		}
		o.teams = append(o.teams, tm)
	}
	for i := range s.People {
		t := i % s.Teams
		o.people = append(o.people, newPerson(s, i, t))
		o.teams[t].Members = append(o.teams[t].Members, i)
	}
	o.bot = len(o.people)
	o.people = append(o.people, person{idx: o.bot, Name: "dependabot[bot]", ID: "dependabot-bot",
		Login: "dependabot[bot]", GitHubID: 49699333, Team: -1, Bot: true})
	o.assignRoles()
	o.planSprints()
	return o
}

func newPerson(s Spec, i, t int) person {
	f, l := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames)+i*7)%len(lastNames)]
	name := f + " " + l
	if i >= len(firstNames)*len(lastNames) {
		name = fmt.Sprintf("%s %d", name, i)
	}
	lf, ll := strings.ToLower(f), strings.ToLower(l)
	p := person{idx: i, Name: name, ID: personID(name), Team: t,
		Email: fmt.Sprintf("%s.%s@%s", lf, ll, s.Domain), JiraName: name,
		AccountID: fmt.Sprintf("%012x%012x", 0x5b10a2844c2+uint64(i)*7919, s.Seed*1000003+uint64(i)),
		GitHubID:  int64(1000000 + i*37 + int(s.Seed%1000)*100000)}
	switch i % 3 {
	case 0:
		p.Login = lf + "-" + ll[:1]
	case 1:
		p.Login = lf[:1] + ll
	default:
		p.Login = ll + "-dev"
	}
	if i >= len(firstNames) {
		p.Login = fmt.Sprintf("%s%d", p.Login, i)
	}
	p.JiraEmail = p.Email
	switch {
	case i%4 == 3:
		p.JiraEmail = "" // hidden: only the account id can merge this person
	case i%7 == 2:
		p.JiraEmail = fmt.Sprintf("%s@corp.%s", lf, s.Domain) // an alias the config does not list
	}
	if i%5 == 1 {
		p.JiraName = f + " " + l[:1] + "." // a shorter display name in Jira
	}
	return p
}

// personID follows the contract: the name lowercased, runs of other
// characters replaced by "-".
func personID(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func (o *org) member(t, k int) int {
	if t >= len(o.teams) || len(o.teams[t].Members) == 0 {
		return -1
	}
	m := o.teams[t].Members
	return m[k%len(m)]
}

func (o *org) assignRoles() {
	o.bottleneck = o.member(teamPlatform, 0)
	o.fastDecider = o.member(teamPlatform, 1)
	o.overloaded = o.member(teamData, 0)
	o.silo = o.member(teamData, 1)
	o.slowDecider = o.member(teamPayments, 0)
	o.crossReviewer = o.member(teamPayments, 2)
}

// planSprints gives every team two-week sprints from the first Monday of the
// history to one sprint past the end (a future sprint, as boards have).
func (o *org) planSprints() {
	first := o.spec.Start()
	for first.Weekday() != time.Monday {
		first = first.AddDate(0, 0, 1)
	}
	id := 1
	for t := range o.teams {
		tm := &o.teams[t]
		for k, st := 1, first.Add(dayStart*time.Hour); ; k++ {
			end := st.AddDate(0, 0, 11).Add((dayEnd - dayStart) * time.Hour) // Friday of the second week, 17:00
			tm.Sprints = append(tm.Sprints, sprint{ID: id, Name: fmt.Sprintf("%s Sprint %d", tm.Project, k),
				Start: st, End: end, Complete: end.Add(10 * time.Minute)})
			id++
			if st.After(o.spec.End) {
				break
			}
			st = st.AddDate(0, 0, 14)
		}
	}
}

// sprintAt returns the index of the sprint running at t, or -1.
func (tm *team) sprintAt(t time.Time) int {
	for i, s := range tm.Sprints {
		if !t.Before(s.Start) && t.Before(s.Complete) {
			return i
		}
	}
	return -1
}

// nextSprint returns the index of the first sprint starting after t, or -1.
func (tm *team) nextSprint(t time.Time) int {
	for i, s := range tm.Sprints {
		if s.Start.After(t) {
			return i
		}
	}
	return -1
}
