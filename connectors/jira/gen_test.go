package jira

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// genSpec describes a synthetic dataset for the fake server.
type genSpec struct {
	Issues    int
	Histories int // per issue
	// LongEvery and LongHistories give every LongEvery-th issue
	// LongHistories histories instead (0: none).
	LongEvery, LongHistories int
	Cloud                    bool
	Seed                     uint64
	// Moved renames issue 1's key (same id) to simulate a move.
	Moved bool
	// Bump moves the updated time of the first n issues after all others.
	Bump int
	// BumpAt, when set, is where Bump moves them (n minutes after it).
	BumpAt time.Time
}

var genBase = time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)

const jiraTime = "2006-01-02T15:04:05.000-0700"

// writeDataset writes DIR/jira in the contract layout and returns DIR.
func writeDataset(t testing.TB, dir string, g genSpec) string {
	t.Helper()
	root := filepath.Join(dir, "jira")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	deploy := "Server"
	if g.Cloud {
		deploy = "Cloud"
	}
	writeJSON(t, filepath.Join(root, "serverInfo.json"), map[string]any{"deploymentType": deploy, "version": "9.12.0"})
	writeJSON(t, filepath.Join(root, "fields.json"), []map[string]any{
		{"id": "customfield_10016", "name": "Story point estimate", "custom": true, "schema": map[string]any{"type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points"}},
		{"id": "customfield_10020", "name": "Sprint", "custom": true, "schema": map[string]any{"type": "array", "custom": "com.pyxis.greenhopper.jira:gh-sprint"}},
		{"id": "customfield_10014", "name": "Epic Link", "custom": true, "schema": map[string]any{"type": "any", "custom": "com.pyxis.greenhopper.jira:gh-epic-link"}},
		{"id": "customfield_10021", "name": "Flagged", "custom": true, "schema": map[string]any{"type": "array"}},
	})
	statuses := []struct{ id, name, cat string }{{"1", "To Do", "new"}, {"3", "In Progress", "indeterminate"}, {"4", "In Review", "indeterminate"}, {"10001", "Done", "done"}}
	var st []map[string]any
	for _, s := range statuses {
		st = append(st, map[string]any{"id": s.id, "name": s.name, "statusCategory": map[string]any{"key": s.cat}})
	}
	writeJSON(t, filepath.Join(root, "statuses.json"), st)
	writeJSON(t, filepath.Join(root, "boards.json"), []map[string]any{
		{"id": 1, "name": "PLAT board", "type": "scrum", "location": map[string]any{"projectKey": "PLAT"}},
		{"id": 2, "name": "APP board", "type": "scrum", "location": map[string]any{"projectKey": "APP"}},
	})
	sprints := genSprints()
	lines := make([]any, len(sprints))
	for i, s := range sprints {
		lines[i] = s
	}
	writeJSONL(t, filepath.Join(root, "sprints.jsonl"), lines)
	rng := rand.New(rand.NewPCG(g.Seed, 7))
	f, err := os.Create(filepath.Join(root, "issues.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	for i := 1; i <= g.Issues; i++ {
		if err := enc.Encode(genIssue(rng, g, i, sprints)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func genSprints() []map[string]any {
	var out []map[string]any
	for b := 1; b <= 2; b++ {
		for n := 0; n < 6; n++ {
			start := genBase.AddDate(0, 0, 14*n)
			s := map[string]any{"id": b*100 + n, "self": "x", "state": "closed", "name": fmt.Sprintf("B%d Sprint %d", b, n+1),
				"startDate": start.Format("2006-01-02T15:04:05.000Z"), "endDate": start.AddDate(0, 0, 14).Format("2006-01-02T15:04:05.000Z"),
				"completeDate": start.AddDate(0, 0, 14).Format("2006-01-02T15:04:05.000Z"), "originBoardId": b, "goal": "ship"}
			if n == 5 {
				s["state"] = "active"
				delete(s, "completeDate")
			}
			out = append(out, s)
		}
	}
	return out
}

func genUser(n int) map[string]any {
	return map[string]any{"accountId": fmt.Sprintf("acc-%03d", n), "key": fmt.Sprintf("JIRAUSER%d", 10000+n),
		"name": fmt.Sprintf("user%d", n), "displayName": fmt.Sprintf("User %d", n), "active": n%17 != 0,
		"emailAddress": fmt.Sprintf("user%d@example.com", n)}
}

func genIssue(rng *rand.Rand, g genSpec, i int, sprints []map[string]any) map[string]any {
	project, board := "PLAT", 1
	if i%3 == 0 {
		project, board = "APP", 2
	}
	key := fmt.Sprintf("%s-%d", project, i)
	if g.Moved && i == 1 {
		key = "APP-9001"
	}
	created := genBase.Add(time.Duration(i) * 7 * time.Minute)
	at := created
	var hs []map[string]any
	status := "1"
	names := map[string]string{"1": "To Do", "3": "In Progress", "4": "In Review", "10001": "Done"}
	sprintIdx := -1
	histories := g.Histories
	if g.LongEvery > 0 && i%g.LongEvery == 0 {
		histories = g.LongHistories
	}
	// A long history spans about the time of a short one, so long issues
	// spread over the updated-ordered search pages instead of trailing them.
	scale := time.Duration(max(1, histories/max(g.Histories, 1)))
	for h := 0; h < histories; h++ {
		at = at.Add(time.Duration(30+rng.IntN(600)) * time.Minute / scale)
		var item map[string]any
		switch h % 5 {
		case 0, 2:
			next := map[string]string{"1": "3", "3": "4", "4": "10001", "10001": "3"}[status]
			item = map[string]any{"field": "status", "fieldtype": "jira", "fieldId": "status", "from": status, "fromString": names[status], "to": next, "toString": names[next]}
			status = next
		case 1:
			a, b := rng.IntN(40), rng.IntN(40)
			item = map[string]any{"field": "assignee", "fieldtype": "jira", "fieldId": "assignee", "from": fmt.Sprintf("acc-%03d", a), "fromString": fmt.Sprintf("User %d", a), "to": fmt.Sprintf("acc-%03d", b), "toString": fmt.Sprintf("User %d", b)}
		case 3:
			from := ""
			if sprintIdx >= 0 {
				from = fmt.Sprint(board*100 + sprintIdx)
			}
			sprintIdx = min(sprintIdx+1, 5)
			item = map[string]any{"field": "Sprint", "fieldtype": "custom", "fieldId": "customfield_10020", "from": from, "fromString": "", "to": fmt.Sprint(board*100 + sprintIdx), "toString": "sprint"}
		case 4:
			item = map[string]any{"field": "Flagged", "fieldtype": "custom", "fieldId": "customfield_10021", "from": "", "fromString": "", "to": "10019", "toString": "Impediment"}
		}
		hs = append(hs, map[string]any{"id": fmt.Sprint(i*1000 + h), "author": genUser(rng.IntN(40)), "created": at.Format(jiraTime), "items": []any{item}})
	}
	updated := at.Add(time.Minute)
	if i <= g.Bump {
		updated = genBase.AddDate(0, 3, 0).Add(time.Duration(i) * time.Minute)
		if !g.BumpAt.IsZero() {
			updated = g.BumpAt.Add(time.Duration(i) * time.Minute)
		}
	}
	fields := map[string]any{
		"summary": fmt.Sprintf("Issue %d", i), "issuetype": map[string]any{"name": "Story"},
		"status":   map[string]any{"id": status, "name": names[status], "statusCategory": map[string]any{"key": map[string]string{"1": "new", "3": "indeterminate", "4": "indeterminate", "10001": "done"}[status]}},
		"priority": map[string]any{"name": "Medium"}, "assignee": genUser(i % 40), "reporter": genUser((i + 1) % 40),
		"created": created.Format(jiraTime), "updated": updated.Format(jiraTime), "labels": []string{"team-a"},
		"components": []any{map[string]any{"name": "api"}}, "project": map[string]any{"key": project},
		"customfield_10016": float64(i % 8), "customfield_10014": nil, "customfield_10021": nil,
	}
	if status == "10001" {
		fields["resolutiondate"] = at.Format(jiraTime)
	}
	if sprintIdx >= 0 {
		fields["customfield_10020"] = []any{sprints[(board-1)*6+sprintIdx]}
	}
	if i > 1 && i%4 == 0 {
		fields["issuelinks"] = []any{map[string]any{"id": fmt.Sprint(i), "type": map[string]any{"name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
			"outwardIssue": map[string]any{"id": fmt.Sprint(10000 + i - 1), "key": fmt.Sprintf("X-%d", i-1)}}}
	}
	return map[string]any{"id": fmt.Sprint(10000 + i), "key": key, "self": "x", "fields": fields,
		"changelog": map[string]any{"startAt": 0, "maxResults": len(hs), "total": len(hs), "histories": hs}}
}

func writeJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeJSONL(t testing.TB, path string, vals []any) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, v := range vals {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
}
