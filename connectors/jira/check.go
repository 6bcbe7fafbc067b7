package jira

import (
	"fmt"
	"strings"
)

// The checks below run on every decoded answer before anything of it is
// used: a 2xx whose JSON lacks what Jira always sends (an issues array, an
// issue's id, key, status or dates, a history's id and time), or holds null
// where Jira never sends null, is not a page but a fault on the way (a
// proxy, a cut connection, a broken gateway). api.call turns the problem
// into a transient connectors.BadBodyError: the page is fetched again with
// backoff and, when the tries are spent, the source fails naming it. A
// refused page is never stored, so a null status cannot erase a stored one
// and the cursor never passes it.

// check validates a search page and decodes each issue's fields once (kept
// on the issue for the converter). cloud says which paging keys to expect.
func (sp *searchPage) check(dec *fieldsDecoder, cloud bool) string {
	if sp.Issues == nil {
		return "a search page without its issues array"
	}
	if cloud && sp.IsLast == nil && sp.NextPageToken == "" {
		return "a search page with neither isLast nor nextPageToken"
	}
	if !cloud && sp.Total == nil {
		return "a search page without its total"
	}
	for i := range sp.Issues {
		if msg := sp.Issues[i].check(dec); msg != "" {
			return fmt.Sprintf("a search page where %s (issue %d of the page)", msg, i+1)
		}
	}
	return ""
}

// check validates one issue of a search page and keeps its decoded fields.
func (ri *rawIssue) check(dec *fieldsDecoder) string {
	if ri.ID == "" || ri.Key == "" {
		return "an issue has no id or key"
	}
	if len(ri.Fields) == 0 || string(ri.Fields) == "null" {
		return "issue " + ri.Key + " has no fields"
	}
	std := &stdFields{}
	custom, err := dec.decode(ri.Fields, std)
	if err != nil {
		return fmt.Sprintf("issue %s has unreadable fields (%v)", ri.Key, err)
	}
	switch {
	case std.Status == nil:
		return "issue " + ri.Key + " has a null or missing status"
	case std.Status.ID == "" && std.Status.Name == "":
		return "issue " + ri.Key + " has an empty status"
	case std.Summary == "": // required in Jira: never empty, never null
		return "issue " + ri.Key + " has a null or empty summary"
	case std.IssueType.Name == "":
		return "issue " + ri.Key + " has a null or missing issue type"
	}
	updated, err := parseTime(std.Updated)
	if err != nil {
		return fmt.Sprintf("issue %s has updated %q, not a time", ri.Key, std.Updated)
	}
	if _, err := parseTime(std.Created); err != nil {
		return fmt.Sprintf("issue %s has created %q, not a time", ri.Key, std.Created)
	}
	if _, err := optTime(std.ResolutionDate); err != nil {
		return fmt.Sprintf("issue %s has resolutiondate %q, not a time", ri.Key, std.ResolutionDate)
	}
	if ri.Changelog != nil {
		if msg := checkHistories(ri.Changelog.Histories); msg != "" {
			return "issue " + ri.Key + " has " + msg
		}
	}
	ri.std, ri.custom, ri.updated = std, custom, updated
	return ""
}

// checkHistories validates changelog entries and keeps their parsed times.
func checkHistories(hs []history) string {
	for i := range hs {
		h := &hs[i]
		if h.ID == "" {
			return "a history without id"
		}
		t, err := parseTime(h.Created)
		if err != nil {
			return fmt.Sprintf("history %s with created %q, not a time", h.ID, h.Created)
		}
		h.at = t
	}
	return ""
}

func (pg *changelogPage) problem() string {
	if pg.Values == nil {
		return "a changelog page without its values array"
	}
	return checkHistories(pg.Values)
}

func (pg *bulkPage) problem() string {
	if pg.IssueChangeLogs == nil {
		return "a bulk changelog page without issueChangeLogs"
	}
	for _, l := range pg.IssueChangeLogs {
		if l.IssueID == "" {
			return "a bulk changelog entry without issueId"
		}
		if msg := checkHistories(l.ChangeHistories); msg != "" {
			return "issue " + l.IssueID + ": " + msg
		}
	}
	return ""
}

func (pg *agilePage) problem() string {
	if pg.Values == nil {
		return "an agile page without its values array"
	}
	for _, v := range pg.Values {
		if s := strings.TrimSpace(string(v)); !strings.HasPrefix(s, "{") {
			return "an agile page whose values are not objects"
		}
	}
	return ""
}

// fieldList is the answer of GET /rest/api/2/field.
type fieldList []field

func (l *fieldList) problem() string {
	if *l == nil {
		return "a null field list"
	}
	for _, f := range *l {
		if f.ID == "" {
			return "a field without id"
		}
	}
	return ""
}

// statusList is the answer of GET /rest/api/2/status.
type statusList []status

func (l *statusList) problem() string {
	if *l == nil {
		return "a null status list"
	}
	for _, s := range *l {
		if s.ID == "" {
			return "a status without id"
		}
	}
	return ""
}

// serverInfo is the part of GET /rest/api/2/serverInfo systemic reads.
type serverInfo struct {
	DeploymentType string `json:"deploymentType"`
}

func (si *serverInfo) problem() string {
	if si.DeploymentType == "" {
		return "serverInfo without deploymentType"
	}
	return ""
}
