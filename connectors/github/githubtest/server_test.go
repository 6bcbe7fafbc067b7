package githubtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// dataset writes a repository acme/api with 5 PRs (#1..#5), 2 issues
// (#6, #7), reviews of PR 1, 3 events and 2 comments.
func dataset(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, lines ...string) {
		p := filepath.Join(dir, "github", filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("repos.jsonl", `{"id":1,"name":"api","full_name":"acme/api","owner":{"login":"acme","id":2,"type":"Organization"},"archived":false}`)
	var pulls []string
	for n := 1; n <= 5; n++ {
		state := "open"
		if n%2 == 0 {
			state = "closed"
		}
		// created in order, updated in reverse order
		pulls = append(pulls, fmt.Sprintf(`{"number":%d,"id":%d,"state":%q,"created_at":"2026-01-0%dT10:00:00Z","updated_at":"2026-01-%02dT10:00:00Z","url":"https://api.github.com/repos/acme/api/pulls/%d","html_url":"h","title":"t","additions":3,"merged_by":null,"merged":false}`,
			n, 100+n, state, n, 20-n, n))
	}
	write("repos/acme/api/pulls.jsonl", pulls...)
	write("repos/acme/api/issues.jsonl",
		`{"number":6,"id":206,"state":"open","created_at":"2026-01-06T10:00:00Z","updated_at":"2026-01-30T10:00:00Z"}`,
		`{"number":7,"id":207,"state":"closed","created_at":"2026-01-07T10:00:00Z","updated_at":"2026-01-07T11:00:00Z"}`)
	write("repos/acme/api/reviews.jsonl",
		`{"id":302,"state":"APPROVED","submitted_at":"2026-01-02T10:00:00Z","pull_request_url":"https://api.github.com/repos/acme/api/pulls/1"}`,
		`{"id":301,"state":"COMMENTED","submitted_at":"2026-01-01T10:00:00Z","pull_request_url":"https://api.github.com/repos/acme/api/pulls/1"}`)
	write("repos/acme/api/events.jsonl",
		`{"id":401,"event":"labeled","created_at":"2026-01-01T10:00:00Z","issue":{"number":1}}`,
		`{"id":403,"event":"closed","created_at":"2026-01-03T10:00:00Z","issue":{"number":2}}`,
		`{"id":402,"event":"assigned","created_at":"2026-01-02T10:00:00Z","issue":{"number":1}}`)
	write("repos/acme/api/comments.jsonl",
		`{"id":501,"created_at":"2026-01-01T10:00:00Z","updated_at":"2026-01-01T10:00:00Z","issue_url":"https://api.github.com/repos/acme/api/issues/1"}`,
		`{"id":502,"created_at":"2026-01-05T10:00:00Z","updated_at":"2026-01-05T10:00:00Z","issue_url":"https://api.github.com/repos/acme/api/issues/6"}`)
	return dir
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := New(dataset(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

type reply struct {
	status int
	header http.Header
	ids    []int64 // id of each element of a list reply
	body   string
}

func get(t *testing.T, s *Server, path string, hdr ...string) reply {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
	var list []struct{ ID int64 }
	if json.Unmarshal(b, &list) == nil {
		for _, e := range list {
			r.ids = append(r.ids, e.ID)
		}
	}
	return r
}

func TestListings(t *testing.T) {
	s := start(t, Options{})
	cases := []struct {
		path string
		want []int64
	}{
		{"/repos/acme/api/pulls", []int64{105, 103, 101}}, // open, newest created first
		{"/repos/acme/api/pulls?state=all&sort=updated&direction=desc", []int64{101, 102, 103, 104, 105}},
		{"/repos/acme/api/pulls?state=closed&sort=created&direction=asc", []int64{102, 104}},
		{"/repos/acme/api/pulls?state=all&sort=updated&direction=desc&per_page=2&page=2", []int64{103, 104}},
		{"/api/v3/repos/acme/api/pulls?state=all&sort=updated&direction=desc&per_page=2&page=3", []int64{105}},
		{"/repos/acme/api/pulls/1/reviews", []int64{301, 302}},
		{"/repos/acme/api/issues/events", []int64{403, 402, 401}},
		{"/repos/acme/api/issues/1/events", []int64{401, 402}},
		{"/repos/acme/api/issues?state=all&sort=updated&direction=asc&since=2026-01-15T00:00:00Z", []int64{105, 104, 103, 102, 101, 206}},
		{"/repos/acme/api/issues", []int64{206, 105, 103, 101}},
		{"/repos/acme/api/issues/comments?since=2026-01-02T00:00:00Z", []int64{502}},
		{"/orgs/acme/repos", []int64{1}},
		{"/repos/acme/api/issues/1/timeline", []int64{301, 401, 302, 402}}, // reviews as "reviewed" entries, ties by id
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := get(t, s, c.path)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if diff := cmp.Diff(c.want, r.ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
	if r := get(t, s, "/repos/acme/api/pulls?state=all"); strings.Contains(r.body, "additions") || strings.Contains(r.body, "merged_by") {
		t.Errorf("list kept detail-only fields: %s", r.body)
	}
	if r := get(t, s, "/repos/acme/api/pulls/2"); !strings.Contains(r.body, `"additions":3`) {
		t.Errorf("detail lacks additions: %s", r.body)
	}
	if r := get(t, s, "/repos/acme/api/issues?state=all"); strings.Count(r.body, `"pull_request":{`) != 5 {
		t.Errorf("issues listing should show the 5 PRs with a pull_request key: %s", r.body)
	}
	if r := get(t, s, "/repos/acme/nope/pulls"); r.status != 404 {
		t.Errorf("unknown repo: status %d", r.status)
	}
}

func TestLinkHeader(t *testing.T) {
	s := start(t, Options{})
	u := func(page int) string {
		return fmt.Sprintf("<%s/repos/acme/api/pulls?direction=desc&page=%d&per_page=2&sort=updated&state=all>", s.URL, page)
	}
	cases := map[int]string{
		1: u(2) + `; rel="next", ` + u(3) + `; rel="last"`,
		2: u(1) + `; rel="prev", ` + u(3) + `; rel="next", ` + u(3) + `; rel="last", ` + u(1) + `; rel="first"`,
		3: u(2) + `; rel="prev", ` + u(1) + `; rel="first"`,
	}
	for page, want := range cases {
		r := get(t, s, fmt.Sprintf("/repos/acme/api/pulls?state=all&sort=updated&direction=desc&per_page=2&page=%d", page))
		if got := r.header.Get("Link"); got != want {
			t.Errorf("page %d Link:\n got %s\nwant %s", page, got, want)
		}
	}
}

func TestETagAndBudget(t *testing.T) {
	s := start(t, Options{Limit: 3})
	r := get(t, s, "/repos/acme/api/pulls")
	etag := r.header.Get("ETag")
	if etag == "" || r.header.Get("X-RateLimit-Remaining") != "2" || r.header.Get("X-RateLimit-Used") != "1" {
		t.Fatalf("headers: %v", r.header)
	}
	if r := get(t, s, "/repos/acme/api/pulls", "If-None-Match", etag); r.status != 304 || r.header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("conditional request: status %d, remaining %s; want 304 and no charge", r.status, r.header.Get("X-RateLimit-Remaining"))
	}
	get(t, s, "/repos/acme/api")
	get(t, s, "/repos/acme/api")
	r = get(t, s, "/repos/acme/api")
	if r.status != 403 || r.header.Get("X-RateLimit-Remaining") != "0" || !strings.Contains(r.body, "API rate limit exceeded") {
		t.Errorf("exhausted: status %d, %v, %s", r.status, r.header, r.body)
	}
	if s.Charged() != 3 || s.Total() != 5 || s.Requests("/repos/acme/api") != 3 {
		t.Errorf("counters: charged %d total %d", s.Charged(), s.Total())
	}
	s.SetBudget(0, time.Hour)
	if r := get(t, s, "/repos/acme/api"); r.status != 200 {
		t.Errorf("after reset: status %d", r.status)
	}
}

func TestAuthAndFaults(t *testing.T) {
	s := start(t, Options{Token: "sekret", Faults: []Fault{
		{Path: "/repos/acme/api/pulls", Nth: 2, Status: 429, RetryAfter: "7"},
		{Path: "/repos/acme/api/issues", Nth: 0, Truncate: true},
	}})
	if r := get(t, s, "/repos/acme/api"); r.status != 401 || !strings.Contains(r.body, "Bad credentials") {
		t.Errorf("no token: status %d %s", r.status, r.body)
	}
	auth := []string{"Authorization", "Bearer sekret"}
	if r := get(t, s, "/repos/acme/api/pulls", auth...); r.status != 200 {
		t.Errorf("first pulls: %d", r.status)
	}
	if r := get(t, s, "/repos/acme/api/pulls", auth...); r.status != 429 || r.header.Get("Retry-After") != "7" {
		t.Errorf("second pulls: %d %v", r.status, r.header)
	}
	req, _ := http.NewRequest("GET", s.URL+"/repos/acme/api/issues", nil)
	req.Header.Set("Authorization", "token sekret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Error("truncated body read without error")
	}
}
