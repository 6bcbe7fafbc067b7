package githubtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestShapeCost(t *testing.T) {
	cases := []struct {
		name, query string
		vars        map[string]any
		cost, nodes int
		err         string
	}{
		{"one connection", `query A { repository(owner: "o", name: "n") { pullRequests(first: 30) { nodes { number } } } }`, nil, 1, 30, ""},
		{"GitHub's example", `query B { viewer { repositories(first: 50) { nodes { issues(first: 10) { nodes { title } } } } } }`, nil, 1, 550, ""},
		{"four nested by variable", `query C($n: Int!) { repository(owner: "o", name: "n") { pullRequests(first: $n, orderBy: {field: UPDATED_AT, direction: DESC}) {
			nodes { labels(first: 100) { nodes { name } } assignees(first: 10) { nodes { login } }
			reviews(first: $n) { nodes { ... on PullRequestReview { author { login } } } } timelineItems(first: $n, itemTypes: [MERGED_EVENT]) { nodes { __typename } } } } } }`,
			map[string]any{"n": 100.0}, 4, 100 + 100*(100+10+100+100), ""},
		{"first over 100", `query D { repository(owner: "o", name: "n") { pullRequests(first: 101) { nodes { number } } } }`, nil, 0, 0, "exceeds the `first` limit of 100"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := shape(c.query, c.vars)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if q.cost != c.cost || q.nodes != c.nodes {
				t.Errorf("cost %d, nodes %d; want %d, %d", q.cost, q.nodes, c.cost, c.nodes)
			}
		})
	}
}

func TestGraphQLLimits(t *testing.T) {
	s := start(t, Options{PointLimit: 10})
	post := func(q string) (int, string) {
		b, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"owner": "acme", "name": "api", "first": 100.0}})
		resp, err := http.Post(s.URL+"/graphql", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.String()
	}
	big := `query PullRequests { repository(owner: "acme", name: "api") { pullRequests(first: 100) { nodes {
		reviews(first: 100) { nodes { comments(first: 100) { nodes { id } } } } } } } }`
	if _, body := post(big); !strings.Contains(body, "MAX_NODE_LIMIT_EXCEEDED") {
		t.Errorf("1,010,100 nodes: %s", body)
	}
	ok := `query PullRequests($owner: String!, $name: String!, $first: Int!) { repository(owner: $owner, name: $name) {
		pullRequests(first: $first) { nodes { number reviews(first: 100) { nodes { state } } } } } }`
	status, body := post(ok)
	// 1 + 100 requests: 1.01, rounded to 1 point.
	if status != 200 || !strings.Contains(body, `"number":1`) || !strings.Contains(body, `"cost":1`) || strings.Contains(body, "timelineItems") {
		t.Errorf("status %d: %s", status, body)
	}
	for i := 0; i < 9; i++ {
		post(ok)
	}
	if _, body := post(ok); !strings.Contains(body, "RATE_LIMITED") || s.Points() != 10 || s.Queries() != 10 {
		t.Errorf("after 10 points of 10: %s (points %d, queries %d)", body, s.Points(), s.Queries())
	}
}
