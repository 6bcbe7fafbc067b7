package synth

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// change is one changelog history before it is cut at the end of the
// simulation and numbered.
type change struct {
	at    time.Time
	seq   int
	actor int
	items []jChangeItem
}

// jiraItem is one Jira issue while its life is simulated.
type jiraItem struct {
	team      *team
	n         int
	ty        int
	created   time.Time
	reporter  int
	assignee  int // at creation
	summary   string
	labels    []string
	points    *float64
	priority  int
	epic      *jIssueRef
	changes   []change
	links     []jLink
	stalled   bool // planned during the stalled-commitment stretch
	unplanned bool // pulled into the running sprint (scope stretch)
}

func issueID(t, n int) string { return strconv.Itoa((t+1)*1000000 + n) }

func (it *jiraItem) key() string { return fmt.Sprintf("%s-%d", it.team.Project, it.n) }

func (it *jiraItem) add(at time.Time, actor int, items ...jChangeItem) {
	it.changes = append(it.changes, change{at: at, seq: len(it.changes), actor: actor, items: items})
}

func statusItem(from, to int) jChangeItem {
	return jChangeItem{Field: "status", Fieldtype: "jira", FieldID: "status",
		From: strp(statusIDs[from]), FromString: strp(statusNames[from]), To: strp(statusIDs[to]), ToString: strp(statusNames[to])}
}

func (it *jiraItem) move(at time.Time, actor, from, to int) {
	items := []jChangeItem{statusItem(from, to)}
	if to == stDone {
		items = append(items, jChangeItem{Field: "resolution", Fieldtype: "jira", FieldID: "resolution",
			To: strp("10000"), ToString: strp("Done")})
	}
	if from == stDone {
		items = append(items, jChangeItem{Field: "resolution", Fieldtype: "jira", FieldID: "resolution",
			From: strp("10000"), FromString: strp("Done")})
	}
	it.add(at, actor, items...)
}

func (o *org) assignItem(from, to int) jChangeItem {
	c := jChangeItem{Field: "assignee", Fieldtype: "jira", FieldID: "assignee"}
	if from >= 0 {
		c.From, c.FromString = strp(o.people[from].AccountID), strp(o.people[from].JiraName)
	}
	if to >= 0 {
		c.To, c.ToString = strp(o.people[to].AccountID), strp(o.people[to].JiraName)
	}
	return c
}

func sprintItem(t *team, from, to []int) jChangeItem {
	ids := func(ks []int) (string, string) {
		var a, b []string
		for _, k := range ks {
			a = append(a, strconv.Itoa(t.Sprints[k].ID))
			b = append(b, t.Sprints[k].Name)
		}
		return strings.Join(a, ", "), strings.Join(b, ", ")
	}
	f, fs := ids(from)
	to1, ts := ids(to)
	return jChangeItem{Field: "Sprint", Fieldtype: "custom", FieldID: "customfield_10020",
		From: strp(f), FromString: strp(fs), To: strp(to1), ToString: strp(ts)}
}

func flagItem(on bool) jChangeItem {
	c := jChangeItem{Field: "Flagged", Fieldtype: "custom", FieldID: "customfield_10021"}
	if on {
		c.To, c.ToString = strp("[10019]"), strp("Impediment")
	} else {
		c.From, c.FromString = strp("[10019]"), strp("Impediment")
	}
	return c
}

func linkItem(text, key string) jChangeItem {
	return jChangeItem{Field: "Link", Fieldtype: "jira", To: strp(key), ToString: strp(text + " " + key)}
}

// state is what an issue looks like at the end of the simulation.
type state struct {
	status, assignee int
	sprints          []int // sprint ids
	flagged          bool
	resolved         time.Time
	updated          time.Time
}

// build cuts the history at the end, numbers it and renders the issue as
// Jira's search returns it with expand=changelog.
func (g *gen) build(it *jiraItem) (jIssue, state) {
	slices.SortStableFunc(it.changes, func(a, b change) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
	})
	st := state{status: stToDo, assignee: it.assignee, updated: it.created}
	var hs []jHistory
	for _, c := range it.changes {
		if c.at.After(g.spec.End) {
			break
		}
		g.historyID++
		hs = append(hs, jHistory{ID: strconv.Itoa(g.historyID), Author: g.org.jiraUser(c.actor),
			Created: jiraTimeStr(c.at), Items: c.items})
		g.jiraEvents += len(c.items)
		g.apply(&st, c)
	}
	f := jFields{Summary: it.summary, Status: jiraStatus(st.status), Issuetype: jiraType(it.ty),
		Priority: jiraPriority(it.priority), Assignee: g.org.jiraUser(st.assignee),
		Reporter: g.org.jiraUser(it.reporter), Creator: g.org.jiraUser(it.reporter),
		Created: jiraTimeStr(it.created), Updated: jiraTimeStr(st.updated), Labels: it.labels,
		Components: []jNamed{}, Project: jiraProject(it.team), Parent: it.epic, Issuelinks: it.links, StoryPoints: it.points}
	if f.Labels == nil {
		f.Labels = []string{}
	}
	if f.Issuelinks == nil {
		f.Issuelinks = []jLink{}
	}
	if st.status == stDone {
		f.Resolutiondate = strp(jiraTimeStr(st.resolved))
		f.Resolution = &jNamed{Self: jiraBase + "/rest/api/2/resolution/10000", ID: "10000", Name: "Done"}
	}
	if it.epic != nil {
		f.EpicLink = strp(it.epic.Key)
	}
	for _, id := range st.sprints {
		s := it.team.Sprints[id-it.team.Sprints[0].ID]
		f.Sprint = append(f.Sprint, g.org.jiraSprint(it.team, s, false))
	}
	if st.flagged {
		f.Flagged = []jOption{{Self: jiraBase + "/rest/api/2/customFieldOption/10019", Value: "Impediment", ID: "10019"}}
	}
	id := issueID(it.team.idx, it.n)
	return jIssue{Expand: "operations,versionedRepresentations,editmeta,changelog,renderedFields",
		ID: id, Self: jiraBase + "/rest/api/2/issue/" + id, Key: it.key(), Fields: f,
		Changelog: jChangelog{MaxResults: len(hs), Total: len(hs), Histories: orEmpty(hs)}}, st
}

func orEmpty(hs []jHistory) []jHistory {
	if hs == nil {
		return []jHistory{}
	}
	return hs
}

// apply replays one history onto the state, the way a reader of the
// changelog would.
func (g *gen) apply(st *state, c change) {
	st.updated = c.at
	for _, ci := range c.items {
		switch ci.Field {
		case "status":
			st.status = slices.Index(statusIDs, *ci.To)
			if st.status == stDone {
				st.resolved = c.at
			}
		case "assignee":
			st.assignee = -1
			if ci.To != nil {
				st.assignee = g.byAccount[*ci.To]
			}
		case "Sprint":
			st.sprints = st.sprints[:0]
			for _, s := range strings.Split(*ci.To, ", ") {
				if id, err := strconv.Atoi(s); err == nil {
					st.sprints = append(st.sprints, id)
				}
			}
		case "Flagged":
			st.flagged = ci.To != nil
		}
	}
}
