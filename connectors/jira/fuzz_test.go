package jira

import (
	"encoding/json"
	"testing"
)

// FuzzConvertIssue feeds the converter odd issue JSON: a malformed search
// result must give an error naming the issue, never a panic.
func FuzzConvertIssue(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","key":"A-1","fields":{"summary":"x","created":"2026-01-02T10:00:00.000+0000","updated":"2026-01-02T10:00:00.000+0000"}}`,
		`{"id":"1","key":"A-1"}`,
		`{"id":"1","key":"A-1","fields":null,"changelog":{"total":5,"histories":[{"id":"9","created":"2026-01-02T10:00:00.000+0000","items":null}]}}`,
		`{"id":"1","key":"A-1","fields":{"assignee":{},"reporter":null,"parent":{"fields":null},"components":[null],"labels":[null],"issuelinks":[{"type":{}},{"outwardIssue":{"id":"2"}}]}}`,
		`{"id":"1","key":"A-1","fields":{"customfield_10020":["junk",{"id":3,"startDate":"bad"}],"customfield_10016":"x","customfield_10014":7}}`,
		`{"id":"1","key":"A-1","fields":{"customfield_10020":"com.atlassian.greenhopper.service.sprint.Sprint@1[id=2,rapidViewId=,name=a,b]"}}`,
		`{"id":"1","key":"A-1","fields":{},"changelog":{"histories":[{"id":"1","created":"2026-01-02T10:00:00Z","author":{"self":"%%"},"items":[{"field":"Sprint","from":",,","to":"1, 2"},{"field":"Link","to":"A-1"}]}]}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var ri rawIssue
		if json.Unmarshal([]byte(data), &ri) != nil {
			return
		}
		ids := fieldIDs{StoryPoints: []string{"customfield_10016"}, Sprint: "customfield_10020", EpicLink: "customfield_10014", Flagged: "customfield_10021"}
		c := &converter{src: "j", baseURL: "https://x", fields: ids, statuses: map[string]string{"1": "new"},
			decoder: newFieldsDecoder(append(append([]string(nil), ids.StoryPoints...), ids.Sprint, ids.EpicLink, ids.Flagged))}
		_ = c.add(newPage(), &ri)
	})
}
