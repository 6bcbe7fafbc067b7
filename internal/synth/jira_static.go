package synth

import (
	"fmt"
	"path/filepath"
)

// writeJiraStatic writes the small Jira files: server info, fields,
// statuses, boards and sprints.
func (o *org) writeJiraStatic(dir string) error {
	info := map[string]any{
		"baseUrl": jiraBase, "version": "1001.0.0-SNAPSHOT", "versionNumbers": []int{1001, 0, 0},
		"deploymentType": "Cloud", "buildNumber": 100273, "buildDate": "2026-10-30T06:17:39.000+0000",
		"serverTime": o.spec.End.Format(jiraTime), "scmInfo": "9fb4e5b1c0b3f0a1", "serverTitle": "Jira",
	}
	if err := writeJSON(filepath.Join(dir, "serverInfo.json"), info); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "fields.json"), jiraFields()); err != nil {
		return err
	}
	var statuses []jStatus
	for st := range statusNames {
		statuses = append(statuses, jiraStatus(st))
	}
	if err := writeJSON(filepath.Join(dir, "statuses.json"), statuses); err != nil {
		return err
	}
	var boards []map[string]any
	for i := range o.teams {
		t := &o.teams[i]
		boards = append(boards, map[string]any{
			"id": t.Board, "self": fmt.Sprintf("%s/rest/agile/1.0/board/%d", jiraBase, t.Board),
			"name": t.Project + " board", "type": "scrum",
			"location": map[string]any{"projectId": 10000 + t.idx, "projectKey": t.Project, "projectName": titleCase(t.Name),
				"displayName": titleCase(t.Name) + " (" + t.Project + ")", "projectTypeKey": "software", "name": titleCase(t.Name) + " (" + t.Project + ")"},
		})
	}
	if err := writeJSON(filepath.Join(dir, "boards.json"), boards); err != nil {
		return err
	}
	w, err := createLines(filepath.Join(dir, "sprints.jsonl"))
	if err != nil {
		return err
	}
	for i := range o.teams {
		t := &o.teams[i]
		for _, s := range t.Sprints {
			w.put(o.jiraSprint(t, s, true))
		}
	}
	return w.close()
}

type fieldSchema struct {
	Type     string `json:"type"`
	Items    string `json:"items,omitempty"`
	System   string `json:"system,omitempty"`
	Custom   string `json:"custom,omitempty"`
	CustomID int    `json:"customId,omitempty"`
}

type jField struct {
	ID          string       `json:"id"`
	Key         string       `json:"key"`
	Name        string       `json:"name"`
	Custom      bool         `json:"custom"`
	Orderable   bool         `json:"orderable"`
	Navigable   bool         `json:"navigable"`
	Searchable  bool         `json:"searchable"`
	ClauseNames []string     `json:"clauseNames"`
	Schema      *fieldSchema `json:"schema,omitempty"`
}

func jiraFields() []jField {
	sys := func(id, name, typ string) jField {
		return jField{ID: id, Key: id, Name: name, Orderable: true, Navigable: true, Searchable: true,
			ClauseNames: []string{id}, Schema: &fieldSchema{Type: typ, System: id}}
	}
	custom := func(n int, name string, s fieldSchema) jField {
		id := fmt.Sprintf("customfield_%d", n)
		s.CustomID = n
		return jField{ID: id, Key: id, Name: name, Custom: true, Orderable: true, Navigable: true, Searchable: true,
			ClauseNames: []string{fmt.Sprintf("cf[%d]", n), name}, Schema: &s}
	}
	return []jField{
		sys("summary", "Summary", "string"),
		sys("status", "Status", "status"),
		sys("issuetype", "Issue Type", "issuetype"),
		sys("priority", "Priority", "priority"),
		sys("assignee", "Assignee", "user"),
		sys("reporter", "Reporter", "user"),
		sys("created", "Created", "datetime"),
		sys("updated", "Updated", "datetime"),
		sys("resolutiondate", "Resolved", "datetime"),
		sys("resolution", "Resolution", "resolution"),
		{ID: "labels", Key: "labels", Name: "Labels", Orderable: true, Navigable: true, Searchable: true,
			ClauseNames: []string{"labels"}, Schema: &fieldSchema{Type: "array", Items: "string", System: "labels"}},
		{ID: "components", Key: "components", Name: "Components", Orderable: true, Navigable: true, Searchable: true,
			ClauseNames: []string{"component"}, Schema: &fieldSchema{Type: "array", Items: "component", System: "components"}},
		sys("project", "Project", "project"),
		{ID: "parent", Key: "parent", Name: "Parent", Searchable: true, Navigable: true, ClauseNames: []string{"parent"}},
		{ID: "issuelinks", Key: "issuelinks", Name: "Linked Issues", Orderable: true, Navigable: true, Searchable: true,
			ClauseNames: []string{"issueLink"}, Schema: &fieldSchema{Type: "array", Items: "issuelinks", System: "issuelinks"}},
		custom(10014, "Epic Link", fieldSchema{Type: "any", Custom: "com.pyxis.greenhopper.jira:gh-epic-link"}),
		custom(10016, "Story point estimate", fieldSchema{Type: "number", Custom: "com.atlassian.jira.plugin.system.customfieldtypes:float"}),
		custom(10020, "Sprint", fieldSchema{Type: "array", Items: "json", Custom: "com.pyxis.greenhopper.jira:gh-sprint"}),
		custom(10021, "Flagged", fieldSchema{Type: "array", Items: "option", Custom: "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes"}),
	}
}
