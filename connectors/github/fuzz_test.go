package github

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/connectors/github/githubtest"
)

// The fuzz tests feed each payload parser arbitrary bytes, seeded with the
// real recorded payloads of testdata/realdata (DevLake's rows as pages,
// PyGithub's recorded bodies, and the GraphQL replies githubtest builds
// from DevLake's data). A parser must return an error or rows, never
// panic; `go test` runs the seeds.

// restKinds are the REST pages the connector decodes, by fuzz selector.
var restKinds = []func() any{
	func() any { return &[]*gh.PullRequest{} }, func() any { return &[]*gh.PullRequestReview{} },
	func() any { return &[]*gh.IssueEvent{} }, func() any { return &[]*gh.Issue{} },
	func() any { return &[]*gh.IssueComment{} }, func() any { return &[]*gh.PullRequestComment{} },
	func() any { return &[]*gh.Repository{} },
}

var devlakeSeeds = map[string]int{
	"_raw_github_api_pull_requests.csv": 0, "_raw_github_api_pull_request_reviews.csv": 1,
	"_raw_github_api_events.csv": 2, "_raw_github_api_issues.csv": 3, "_raw_github_api_comments.csv": 4,
	"_raw_github_api_pull_request_review_comments.csv": 5,
}

// asPages groups recorded elements into pages of up to three, and at most
// ten pages a file: the fuzzer mutates small inputs far faster.
func asPages(elems []json.RawMessage) [][]byte {
	var out [][]byte
	for i := 0; i < len(elems) && len(out) < 10; i += 3 {
		out = append(out, append(append([]byte("["), bytes.Join(toBytes(elems[i:min(i+3, len(elems))]), []byte(","))...), ']'))
	}
	return out
}

func toBytes(rs []json.RawMessage) [][]byte {
	out := make([][]byte, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

func FuzzRESTPage(f *testing.F) {
	t := f
	for file, kind := range devlakeSeeds {
		for _, pg := range asPages(devlakeData(t, file)) {
			f.Add(uint8(kind), pg)
		}
	}
	for _, rec := range []struct {
		file, path string
		kind       uint8
	}{
		{"PullRequestReview.testAttributes.txt", "/repos/PyGithub/PyGithub/pulls/538/reviews", 1},
		{"Repository.testGetIssuesEvents.txt", "/repos/PyGithub/PyGithub/issues/events", 2},
	} {
		f.Add(rec.kind, []byte(find(t, pygithubExchanges(t, rec.file), rec.path)))
	}
	f.Add(uint8(0), []byte(""))
	f.Add(uint8(2), []byte("<html>"))
	r := &run{src: &Source{cfg: sourceConfig("")}, stored: map[string]bool{}}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		v := restKinds[int(kind)%len(restKinds)]()
		if err := decodePage(http.StatusOK, body, v); err != nil {
			if _, ok := err.(*malformedError); !ok {
				t.Fatalf("decodePage returned %T, want *malformedError: %v", err, err)
			}
			return
		}
		restRows(r, v)
	})
}

// restRows maps a decoded page onto rows as the sync does.
func restRows(r *run, v any) {
	p := r.newPage()
	switch l := v.(type) {
	case *[]*gh.PullRequest:
		for _, pr := range *l {
			p.put(r.pullItem(p, "o/r", pr), r.pullRow(p, "o/r", pr))
		}
	case *[]*gh.PullRequestReview:
		for _, rv := range *l {
			r.reviewRows(p, "gh:o/r#1", rv)
		}
	case *[]*gh.IssueEvent:
		for _, ev := range *l {
			r.eventRows(p, "o/r", ev)
			isPull(ev.GetIssue())
		}
	case *[]*gh.Issue:
		for _, is := range *l {
			p.put(r.issueItem(p, "o/r", is))
		}
	case *[]*gh.IssueComment:
		for _, c := range *l {
			trailingNumber(c.GetIssueURL())
		}
	case *[]*gh.PullRequestComment:
		for _, c := range *l {
			trailingNumber(c.GetPullRequestURL())
		}
	}
}

// gqlSeeds are GraphQL replies githubtest builds from DevLake's recorded
// data: a page of pull requests, and a reviews and a timeline follow-up.
func gqlSeeds(f *testing.F) [][]byte {
	dir, repo := devlakeDir(f)
	srv, err := githubtest.New(dir, githubtest.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	owner, name, _ := strings.Cut(repo, "/")
	post := func(q string, vars map[string]any) []byte {
		vars["owner"], vars["name"] = owner, name
		b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(b))
		if err != nil {
			f.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return out
	}
	return [][]byte{
		post(queryPulls, map[string]any{"first": 2, "nested": 100}),
		post(queryReviews, map[string]any{"number": 13, "first": 100}),
		post(queryTimeline, map[string]any{"number": 13, "first": 100}),
	}
}

func FuzzGraphQLReply(f *testing.F) {
	for _, s := range gqlSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(`{"errors":[{"type":"RATE_LIMITED","message":"x"}]}`))
	f.Add([]byte(`{"data":null}`))
	r := &run{src: &Source{cfg: sourceConfig("")}, stored: map[string]bool{}}
	c := &gqlClient{lim: newLimiter(nil, 0, discard), log: discard}
	f.Fuzz(func(t *testing.T, body []byte) {
		var pulls pullsData
		if c.decode(body, &pulls) == nil {
			p := r.newPage()
			for _, pr := range pulls.Repository.PullRequests.Nodes {
				gqlRows(r, p, pr)
			}
		}
		var nested nestedData
		if c.decode(body, &nested) == nil {
			pr := nested.Repository.PullRequest
			full := &gqlPull{Number: 1}
			if pr.Reviews != nil {
				full.Reviews = *pr.Reviews
			}
			if pr.TimelineItems != nil {
				full.TimelineItems = *pr.TimelineItems
			}
			gqlRows(r, r.newPage(), full)
		}
	})
}

// gqlRows maps one GraphQL pull request as gqlPulls.rows does, without
// its follow-up queries.
func gqlRows(r *run, p *page, pr *gqlPull) {
	rest := pr.toREST()
	p.put(r.pullItem(p, "o/r", rest), r.pullRow(p, "o/r", rest))
	for _, rv := range pr.Reviews.Nodes {
		r.reviewRows(p, "gh:o/r#1", rv.toREST())
	}
	for _, ev := range pr.TimelineItems.Nodes {
		if e := ev.toREST(pr.Number); e != nil {
			r.eventRowsID(p, "o/r", e, strconv.FormatInt(databaseID(ev.ID), 10))
		}
	}
}

func FuzzNodeID(f *testing.F) {
	for _, raw := range devlakeData(f, "_raw_github_api_events.csv") {
		var ev struct {
			NodeID string `json:"node_id"`
		}
		json.Unmarshal(raw, &ev)
		f.Add(ev.NodeID)
	}
	f.Add("MDQ6VXNlcjc0OTYyNzg=")
	f.Add("E_kwDO")
	f.Fuzz(func(t *testing.T, id string) {
		if n := databaseID(id); n < 0 {
			t.Fatalf("databaseID(%q) = %d", id, n)
		}
	})
}

// TestNodeIDsOfRecordedEvents: every recorded event's node id reads back
// to its REST id (legacy and current formats).
func TestNodeIDsOfRecordedEvents(t *testing.T) {
	n := 0
	for _, raw := range devlakeData(t, "_raw_github_api_events.csv") {
		var ev struct {
			ID     int64  `json:"id"`
			NodeID string `json:"node_id"`
		}
		json.Unmarshal(raw, &ev)
		if got := databaseID(ev.NodeID); got != ev.ID {
			t.Errorf("databaseID(%s) = %d, want %d", ev.NodeID, got, ev.ID)
		}
		n++
	}
	if got := databaseID("MDQ6VXNlcjc0OTYyNzg="); got != 7496278 { // "04:User7496278"
		t.Errorf("legacy id: %d", got)
	}
	if n == 0 {
		t.Fatal("no recorded events")
	}
}
