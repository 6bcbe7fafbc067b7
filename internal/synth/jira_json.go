package synth

import (
	"fmt"
	"time"
)

// jiraBase is the site the payloads' self links point at. Connectors must
// not follow self links; the fake server serves whatever URL it listens on.
const jiraBase = "https://acme.atlassian.net"

type jUser struct {
	Self         string `json:"self"`
	AccountID    string `json:"accountId"`
	EmailAddress string `json:"emailAddress,omitempty"`
	DisplayName  string `json:"displayName"`
	Active       bool   `json:"active"`
	AccountType  string `json:"accountType"`
}

type jStatusCategory struct {
	Self      string `json:"self"`
	ID        int    `json:"id"`
	Key       string `json:"key"`
	ColorName string `json:"colorName"`
	Name      string `json:"name"`
}

type jStatus struct {
	Self           string          `json:"self"`
	Description    string          `json:"description"`
	IconURL        string          `json:"iconUrl"`
	Name           string          `json:"name"`
	ID             string          `json:"id"`
	StatusCategory jStatusCategory `json:"statusCategory"`
}

type jNamed struct {
	Self string `json:"self"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

type jIssueType struct {
	Self           string `json:"self"`
	ID             string `json:"id"`
	Description    string `json:"description"`
	Name           string `json:"name"`
	Subtask        bool   `json:"subtask"`
	HierarchyLevel int    `json:"hierarchyLevel"`
}

type jProject struct {
	Self           string `json:"self"`
	ID             string `json:"id"`
	Key            string `json:"key"`
	Name           string `json:"name"`
	ProjectTypeKey string `json:"projectTypeKey"`
	Simplified     bool   `json:"simplified"`
}

type jIssueRef struct {
	ID     string         `json:"id"`
	Key    string         `json:"key"`
	Self   string         `json:"self"`
	Fields *jIssueRefFlds `json:"fields,omitempty"`
}

type jIssueRefFlds struct {
	Summary   string     `json:"summary"`
	Status    jStatus    `json:"status"`
	Issuetype jIssueType `json:"issuetype"`
}

type jLinkType struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Inward  string `json:"inward"`
	Outward string `json:"outward"`
	Self    string `json:"self"`
}

type jLink struct {
	ID           string     `json:"id"`
	Self         string     `json:"self"`
	Type         jLinkType  `json:"type"`
	InwardIssue  *jIssueRef `json:"inwardIssue,omitempty"`
	OutwardIssue *jIssueRef `json:"outwardIssue,omitempty"`
}

type jSprint struct {
	ID           int    `json:"id"`
	Self         string `json:"self,omitempty"`
	Name         string `json:"name"`
	State        string `json:"state"`
	BoardID      int    `json:"boardId,omitempty"`
	Goal         string `json:"goal"`
	StartDate    string `json:"startDate,omitempty"`
	EndDate      string `json:"endDate,omitempty"`
	CompleteDate string `json:"completeDate,omitempty"`
	// OriginBoardID appears on agile sprint listings, BoardID inside issues.
	OriginBoardID int `json:"originBoardId,omitempty"`
}

type jOption struct {
	Self  string `json:"self"`
	Value string `json:"value"`
	ID    string `json:"id"`
}

type jFields struct {
	Summary        string     `json:"summary"`
	Status         jStatus    `json:"status"`
	Issuetype      jIssueType `json:"issuetype"`
	Priority       jNamed     `json:"priority"`
	Assignee       *jUser     `json:"assignee"`
	Reporter       *jUser     `json:"reporter"`
	Creator        *jUser     `json:"creator"`
	Created        string     `json:"created"`
	Updated        string     `json:"updated"`
	Resolutiondate *string    `json:"resolutiondate"`
	Resolution     *jNamed    `json:"resolution"`
	Labels         []string   `json:"labels"`
	Components     []jNamed   `json:"components"`
	Project        jProject   `json:"project"`
	Parent         *jIssueRef `json:"parent,omitempty"`
	Issuelinks     []jLink    `json:"issuelinks"`
	StoryPoints    *float64   `json:"customfield_10016"`
	Sprint         []jSprint  `json:"customfield_10020"`
	EpicLink       *string    `json:"customfield_10014"`
	Flagged        []jOption  `json:"customfield_10021"`
}

type jChangeItem struct {
	Field      string  `json:"field"`
	Fieldtype  string  `json:"fieldtype"`
	FieldID    string  `json:"fieldId,omitempty"`
	From       *string `json:"from"`
	FromString *string `json:"fromString"`
	To         *string `json:"to"`
	ToString   *string `json:"toString"`
}

type jHistory struct {
	ID      string        `json:"id"`
	Author  *jUser        `json:"author"`
	Created string        `json:"created"`
	Items   []jChangeItem `json:"items"`
}

type jChangelog struct {
	StartAt    int        `json:"startAt"`
	MaxResults int        `json:"maxResults"`
	Total      int        `json:"total"`
	Histories  []jHistory `json:"histories"`
}

type jIssue struct {
	Expand    string     `json:"expand"`
	ID        string     `json:"id"`
	Self      string     `json:"self"`
	Key       string     `json:"key"`
	Fields    jFields    `json:"fields"`
	Changelog jChangelog `json:"changelog"`
}

// Workflow statuses of every synthetic project.
const (
	stToDo = iota
	stInProgress
	stInReview
	stBlocked
	stAwaiting
	stDone
)

var statusNames = []string{"To Do", "In Progress", "In Review", "Blocked", "Awaiting Approval", "Done"}
var statusIDs = []string{"10000", "3", "10001", "10002", "10003", "10004"}

func statusCategory(st int) jStatusCategory {
	switch st {
	case stToDo:
		return jStatusCategory{Self: jiraBase + "/rest/api/2/statuscategory/2", ID: 2, Key: "new", ColorName: "blue-gray", Name: "To Do"}
	case stDone:
		return jStatusCategory{Self: jiraBase + "/rest/api/2/statuscategory/3", ID: 3, Key: "done", ColorName: "green", Name: "Done"}
	}
	return jStatusCategory{Self: jiraBase + "/rest/api/2/statuscategory/4", ID: 4, Key: "indeterminate", ColorName: "yellow", Name: "In Progress"}
}

func jiraStatus(st int) jStatus {
	return jStatus{Self: jiraBase + "/rest/api/2/status/" + statusIDs[st], Name: statusNames[st], ID: statusIDs[st],
		IconURL: jiraBase + "/images/icons/statuses/generic.png", StatusCategory: statusCategory(st)}
}

// Issue types.
const (
	tyEpic = iota
	tyStory
	tyBug
	tyTask
)

var typeNames = []string{"Epic", "Story", "Bug", "Task"}

func jiraType(ty int) jIssueType {
	id := fmt.Sprint(10000 + ty)
	level := 0
	if ty == tyEpic {
		level = 1
	}
	return jIssueType{Self: jiraBase + "/rest/api/2/issuetype/" + id, ID: id, Name: typeNames[ty],
		Description: "A " + typeNames[ty] + ".", HierarchyLevel: level}
}

var priorityNames = []string{"High", "Medium", "Low"}

func jiraPriority(p int) jNamed {
	id := fmt.Sprint(2 + p)
	return jNamed{Self: jiraBase + "/rest/api/2/priority/" + id, ID: id, Name: priorityNames[p]}
}

func (o *org) jiraUser(p int) *jUser {
	if p < 0 {
		return nil
	}
	pp := o.people[p]
	return &jUser{Self: jiraBase + "/rest/api/2/user?accountId=" + pp.AccountID, AccountID: pp.AccountID,
		EmailAddress: pp.JiraEmail, DisplayName: pp.JiraName, Active: true, AccountType: "atlassian"}
}

func jiraProject(t *team) jProject {
	id := fmt.Sprint(10000 + t.idx)
	return jProject{Self: jiraBase + "/rest/api/2/project/" + id, ID: id, Key: t.Project,
		Name: titleCase(t.Name), ProjectTypeKey: "software"}
}

func (o *org) jiraSprint(t *team, s sprint, listing bool) jSprint {
	js := jSprint{ID: s.ID, Name: s.Name, State: s.state(o.spec.End), Goal: "",
		StartDate: s.Start.Format(agileTime), EndDate: s.End.Format(agileTime)}
	if js.State == "future" {
		js.StartDate, js.EndDate = "", ""
	}
	if js.State == "closed" {
		js.CompleteDate = s.Complete.Format(agileTime)
	}
	if listing {
		js.Self = fmt.Sprintf("%s/rest/agile/1.0/sprint/%d", jiraBase, s.ID)
		js.OriginBoardID = t.Board
	} else {
		js.BoardID = t.Board
	}
	return js
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func strp(s string) *string { return &s }

func jiraTimeStr(t time.Time) string { return t.Format(jiraTime) }
