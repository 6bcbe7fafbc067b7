package jira

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/systemic-dev/systemic/connectors"
)

// The fuzz targets below feed each Jira payload parser what the sync feeds
// it (decode, shape check, conversion), seeded with the real recorded
// payloads of testdata/realdata/jira trimmed to what systemic requests.
// Their seeds run in every go test; `go test -fuzz=FuzzX` explores further.
// Besides "never panic", each checks the property the sync relies on: an
// answer that passes its shape check converts without error, so no stored
// page can fail halfway.

var fuzzFields = fieldIDs{StoryPoints: []string{"customfield_10016"}, Sprint: "customfield_10020", EpicLink: "customfield_10014", Flagged: "customfield_10021"}

func fuzzConverter() *converter {
	ids := fuzzFields
	return &converter{src: "j", baseURL: "https://x", fields: ids, statuses: map[string]string{"10068": "done", "3": "indeterminate"},
		decoder: newFieldsDecoder(append(append([]string(nil), ids.StoryPoints...), ids.Sprint, ids.EpicLink, ids.Flagged))}
}

// realLines returns the JSON lines of a recorded dataset file.
func realLines(f testing.TB, dataset, name string) [][]byte {
	f.Helper()
	file, err := os.Open(filepath.Join(realData(f, dataset), "jira", name))
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	var out [][]byte
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			out = append(out, append([]byte(nil), l...))
		}
	}
	return out
}

// trimIssue keeps what a search with systemic's fields returns, and at
// most keep histories, so seeds stay small enough to mutate quickly.
func trimIssue(line []byte, keep int) map[string]any {
	var is map[string]any
	if json.Unmarshal(line, &is) != nil {
		return nil
	}
	fields, _ := is["fields"].(map[string]any)
	kept := map[string]any{}
	for _, k := range append(append([]string(nil), systemFields...), "customfield_10016", "customfield_10020", "customfield_10014", "customfield_10021") {
		if v, ok := fields[k]; ok {
			kept[k] = v
		}
	}
	is["fields"] = kept
	if cl, ok := is["changelog"].(map[string]any); ok {
		if hs, ok := cl["histories"].([]any); ok && len(hs) > keep {
			cl["histories"] = hs[:keep]
		}
	}
	return is
}

func realHistories(f testing.TB) [][]any {
	var out [][]any
	for _, line := range realLines(f, "cloud", "issues.jsonl") {
		var is struct {
			Changelog struct{ Histories []any }
		}
		if json.Unmarshal(line, &is) == nil && len(is.Changelog.Histories) > 0 {
			out = append(out, is.Changelog.Histories[:min(4, len(is.Changelog.Histories))])
		}
	}
	return out
}

func mustJSON(f testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// TestRealPayloadsPassChecks guards the checks against refusing what Jira
// really sends: every recorded issue, sprint, field and status list passes.
func TestRealPayloadsPassChecks(t *testing.T) {
	for _, ds := range []string{"cloud", "datacenter"} {
		c := fuzzConverter()
		for _, line := range realLines(t, ds, "issues.jsonl") {
			var ri rawIssue
			if err := json.Unmarshal(line, &ri); err != nil {
				t.Fatal(err)
			}
			if msg := ri.check(c.decoder); msg != "" {
				t.Errorf("%s: %s", ds, msg)
			}
		}
		var vals []json.RawMessage
		for _, l := range realLines(t, ds, "sprints.jsonl") {
			vals = append(vals, l)
			var sp sprint
			json.Unmarshal(l, &sp)
			if _, bad := c.sprintRow(sp); len(bad) > 0 {
				t.Errorf("%s sprint %d: dates %v unreadable", ds, sp.ID, bad)
			}
		}
		if msg := (&agilePage{Values: vals}).problem(); msg != "" {
			t.Errorf("%s sprints: %s", ds, msg)
		}
		for name, v := range map[string]validator{"fields.json": &fieldList{}, "statuses.json": &statusList{}} {
			b, _ := os.ReadFile(filepath.Join(realData(t, ds), "jira", name))
			if err := connectors.DecodeJSON("Jira", nil, b, v); err != nil || v.problem() != "" {
				t.Errorf("%s %s: %v %s", ds, name, err, v.problem())
			}
		}
	}
}

// searchSeeds are one-issue search pages of every recorded issue.
func searchSeeds(f testing.TB) (pages [][]byte, cloud []bool) {
	for _, ds := range []string{"cloud", "datacenter"} {
		for _, line := range realLines(f, ds, "issues.jsonl") {
			page := map[string]any{"issues": []any{trimIssue(line, 6)}}
			if ds == "cloud" {
				page["isLast"] = true
			} else {
				page["startAt"], page["maxResults"], page["total"] = 0, 100, 1
			}
			pages, cloud = append(pages, mustJSON(f, page)), append(cloud, ds == "cloud")
		}
	}
	return pages, cloud
}

func FuzzSearchPage(f *testing.F) {
	pages, cloud := searchSeeds(f)
	for i := range pages {
		f.Add(pages[i], cloud[i])
	}
	f.Fuzz(func(t *testing.T, data []byte, cloud bool) {
		c := fuzzConverter()
		var sp searchPage
		if connectors.DecodeJSON("Jira", nil, data, &sp) != nil || sp.check(c.decoder, cloud) != "" {
			return
		}
		p := newPage()
		for i := range sp.Issues {
			if err := c.add(p, &sp.Issues[i]); err != nil {
				t.Fatalf("issue passed the check but does not convert: %v", err)
			}
		}
	})
}

func changelogSeeds(f testing.TB) (out [][]byte) {
	for _, hs := range realHistories(f) {
		out = append(out, mustJSON(f, map[string]any{"startAt": 0, "maxResults": 100, "total": len(hs), "isLast": true, "values": hs}))
	}
	return out
}

func FuzzChangelogPage(f *testing.F) {
	for _, s := range changelogSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var pg changelogPage
		if connectors.DecodeJSON("Jira", nil, data, &pg) != nil || pg.problem() != "" {
			return
		}
		ri := &rawIssue{ID: "1", Key: "A-1", Changelog: &changelog{Total: len(pg.Values), Histories: pg.Values}}
		if _, err := sortedHistories(ri); err != nil {
			t.Fatalf("page passed the check but its histories do not sort: %v", err)
		}
	})
}

func bulkSeeds(f testing.TB) (out [][]byte) {
	for i, hs := range realHistories(f) {
		out = append(out, mustJSON(f, map[string]any{"issueChangeLogs": []any{map[string]any{"issueId": "1", "changeHistories": hs}}, "nextPageToken": strconv.Itoa(i)}))
	}
	return append(out, []byte(`{"issueChangeLogs":[]}`))
}

func FuzzBulkChangelogPage(f *testing.F) {
	for _, s := range bulkSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var pg bulkPage
		if err := connectors.DecodeJSON("Jira", nil, data, &pg); err != nil || pg.problem() != "" {
			return
		}
		c := fuzzConverter()
		for _, l := range pg.IssueChangeLogs {
			ri := &rawIssue{ID: l.IssueID, Key: "A-" + l.IssueID, Changelog: &changelog{Histories: l.ChangeHistories},
				Fields: json.RawMessage(`{"summary":"s","issuetype":{"name":"Task"},"status":{"id":"3"},"created":"2026-01-02T10:00:00.000+0000","updated":"2026-01-02T10:00:00.000+0000"}`)}
			if err := c.add(newPage(), ri); err != nil {
				t.Fatalf("histories passed the check but do not convert: %v", err)
			}
		}
	})
}

func sprintSeeds(f testing.TB) (out [][]byte) {
	for _, ds := range []string{"cloud", "datacenter"} {
		lines := realLines(f, ds, "sprints.jsonl")
		for i := 0; i < len(lines); i += 5 {
			var vals []json.RawMessage
			for _, l := range lines[i:min(i+5, len(lines))] {
				vals = append(vals, l)
			}
			out = append(out, mustJSON(f, map[string]any{"maxResults": 50, "startAt": 0, "isLast": true, "values": vals}))
		}
	}
	return out
}

func FuzzSprintPage(f *testing.F) {
	for _, s := range sprintSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var pg agilePage
		if connectors.DecodeJSON("Jira", nil, data, &pg) != nil || pg.problem() != "" {
			return
		}
		c := fuzzConverter()
		for _, v := range pg.Values {
			var sp sprint
			if json.Unmarshal(v, &sp) == nil {
				c.sprintRow(sp)
			}
		}
	})
}

func FuzzSprintField(f *testing.F) {
	for _, line := range realLines(f, "cloud", "issues.jsonl") {
		var is struct {
			Fields map[string]json.RawMessage
		}
		if json.Unmarshal(line, &is) == nil && len(is.Fields["customfield_10020"]) > 0 {
			f.Add([]byte(is.Fields["customfield_10020"]))
		}
	}
	f.Add([]byte(`["com.atlassian.greenhopper.service.sprint.Sprint@4f6c1d2a[id=13,rapidViewId=3,state=ACTIVE,name=Sprint 5, Platform,startDate=<null>,endDate=<null>,completeDate=<null>,sequence=13,goal=Ship SSO, then billing]"]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c := fuzzConverter()
		p := newPage()
		ids := c.sprintField(p, "A-1", raw)
		for _, row := range p.sprints {
			if row.SprintID == "" {
				t.Fatalf("sprint row without id from %s", raw)
			}
		}
		_ = ids
	})
}

func FuzzFieldAndStatusLists(f *testing.F) {
	for _, ds := range []string{"cloud", "datacenter"} {
		for _, name := range []string{"fields.json", "statuses.json"} {
			b, err := os.ReadFile(filepath.Join(realData(f, ds), "jira", name))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fl fieldList
		if connectors.DecodeJSON("Jira", nil, data, &fl) == nil && fl.problem() == "" {
			(&Source{}).discoverFromList(fl)
		}
		var sl statusList
		if connectors.DecodeJSON("Jira", nil, data, &sl) == nil && sl.problem() == "" {
			for _, s := range sl {
				_ = category(s.StatusCategory.Key)
			}
		}
	})
}

// FuzzConvertIssue feeds the converter odd issue JSON directly (as the
// bulk path does for issues whose fields were checked on their page): a
// malformed issue must give an error naming the issue, never a panic.
func FuzzConvertIssue(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","key":"A-1","fields":{"summary":"x","issuetype":{"name":"Bug"},"status":{"id":"3"},"created":"2026-01-02T10:00:00.000+0000","updated":"2026-01-02T10:00:00.000+0000"}}`,
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
		_ = fuzzConverter().add(newPage(), &ri)
	})
}

// TestFuzzSeedsPass keeps the fuzz seeds meaningful: built from real
// payloads, they must pass their checks, or the fuzzers explore refusals.
func TestFuzzSeedsPass(t *testing.T) {
	dec := fuzzConverter().decoder
	pages, cloud := searchSeeds(t)
	for i, b := range pages {
		var sp searchPage
		if err := connectors.DecodeJSON("Jira", nil, b, &sp); err != nil || sp.check(dec, cloud[i]) != "" {
			t.Errorf("search seed %d refused: %v %s", i, err, sp.check(dec, cloud[i]))
		}
	}
	seeds := map[string]func() ([][]byte, func([]byte) (validator, error)){
		"changelog": func() ([][]byte, func([]byte) (validator, error)) {
			return changelogSeeds(t), func(b []byte) (validator, error) {
				var pg changelogPage
				return &pg, connectors.DecodeJSON("Jira", nil, b, &pg)
			}
		},
		"bulk": func() ([][]byte, func([]byte) (validator, error)) {
			return bulkSeeds(t), func(b []byte) (validator, error) {
				var pg bulkPage
				return &pg, connectors.DecodeJSON("Jira", nil, b, &pg)
			}
		},
		"sprint": func() ([][]byte, func([]byte) (validator, error)) {
			return sprintSeeds(t), func(b []byte) (validator, error) {
				var pg agilePage
				return &pg, connectors.DecodeJSON("Jira", nil, b, &pg)
			}
		},
	}
	for name, get := range seeds {
		list, decode := get()
		for i, b := range list {
			if v, err := decode(b); err != nil || v.problem() != "" {
				t.Errorf("%s seed %d refused: %v", name, i, err)
			}
		}
	}
}
