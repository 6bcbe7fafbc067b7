package jiratest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. The zero value serves the dataset without
// authentication or faults.
type Options struct {
	// ChangelogCap is how many histories search embeds per issue: by
	// default 40 on a Cloud dataset (newest first, as the enhanced search)
	// and 100 on Data Center (oldest first).
	ChangelogCap int
	// BulkHistories caps the histories on one changelog/bulkfetch page
	// (0: no cap; a page then holds up to maxResults issues' changelogs),
	// so tests can split an issue's changelog across pages.
	BulkHistories int
	// MaxResults caps a search page (100) and an agile page (50).
	MaxResults int
	// Email and Token, when set, require basic auth with them (Cloud).
	Email, Token string
	// Bearer, when set, requires "Authorization: Bearer <Bearer>" (Data Center).
	Bearer string
	// TimeZone is the user's time zone (an IANA name, UTC when empty): the
	// one /myself reports and JQL dates are read in, as real Jira does.
	TimeZone string
	// Rules inject faults; the first rule matching a request applies.
	Rules []Rule
	// Hook, when set, sees every request first (after counting) with its
	// 1-based number for its path; returning true means it answered.
	Hook func(w http.ResponseWriter, r *http.Request, n int) bool
}

// Rule is one injected fault: requests Nth..Nth+Count-1 (1-based, counted per
// path) of the paths starting with Path. Nth 0 matches every request.
type Rule struct {
	Path       string
	Nth, Count int
	Status     int           // answer with this status and a Jira error body
	RetryAfter string        // Retry-After header with Status
	Latency    time.Duration // wait before answering
	Truncate   bool          // send half the body, then close
	Mangle     Mangle        // rewrite a 200 answer (see Mangle)
	Keys       []string      // the object keys MangleNull, MangleWrongType and MangleBadDate rewrite
}

// Server is a running fake Jira.
type Server struct {
	URL  string
	srv  *httptest.Server
	opts Options
	loc  *time.Location

	mu       sync.Mutex
	data     *dataset
	requests map[string]int
	total    int
}

// New loads DIR/jira and starts serving it.
func New(dir string, opts Options) (*Server, error) {
	if opts.MaxResults <= 0 {
		opts.MaxResults = 100
	}
	if opts.TimeZone == "" {
		opts.TimeZone = "UTC"
	}
	loc, err := time.LoadLocation(opts.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("jiratest: time zone: %w", err)
	}
	d, err := load(dir, opts.ChangelogCap)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, loc: loc, data: d, requests: map[string]int{}}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s, nil
}

// Load replaces the served dataset with DIR/jira (to simulate changes between
// syncs).
func (s *Server) Load(dir string) error {
	d, err := load(dir, s.opts.ChangelogCap)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.data = d
	s.mu.Unlock()
	return nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the number of requests per path so far.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.requests))
	for k, v := range s.requests {
		out[k] = v
	}
	return out
}

// Total returns the number of requests so far.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ResetCounts zeroes the request counters.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = map[string]int{}
	s.total = 0
}

// reply is a rendered answer, written out after faults are applied.
type reply struct {
	status int
	header http.Header
	body   bytes.Buffer
}

// ServeHTTP counts the request, applies the first matching fault rule or
// the hook, then answers from the dataset.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	s.total++
	n := s.requests[r.URL.Path]
	d := s.data
	s.mu.Unlock()
	if s.opts.Hook != nil && s.opts.Hook(w, r, n) {
		return
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "You are not authenticated. Authentication required to perform this operation.")
		return
	}
	rule := s.rule(r.URL.Path, n)
	if rule != nil && rule.Latency > 0 {
		select {
		case <-time.After(rule.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if rule != nil && rule.Status != 0 {
		if rule.RetryAfter != "" {
			w.Header().Set("Retry-After", rule.RetryAfter)
		}
		writeError(w, rule.Status, fmt.Sprintf("injected status %d", rule.Status))
		return
	}
	rep := &reply{status: http.StatusOK, header: http.Header{}}
	s.route(d, rep, r)
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if rep.header.Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	}
	body := rep.body.Bytes()
	if rule != nil && rule.Mangle != MangleNone && rep.status == http.StatusOK {
		body = rule.mangle(w.Header(), body)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rep.status)
	if rule != nil && rule.Truncate {
		w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler) // drop the connection mid-body
	}
	w.Write(body)
}

func (s *Server) rule(path string, n int) *Rule {
	for i := range s.opts.Rules {
		r := &s.opts.Rules[i]
		if !strings.HasPrefix(path, r.Path) {
			continue
		}
		count := max(r.Count, 1)
		if r.Nth == 0 || (n >= r.Nth && n < r.Nth+count) {
			return r
		}
	}
	return nil
}

func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	switch {
	case s.opts.Bearer != "":
		return h == "Bearer "+s.opts.Bearer
	case s.opts.Email != "" || s.opts.Token != "":
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.opts.Email+":"+s.opts.Token))
		return h == want
	}
	return true
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"errorMessages":[%q],"errors":{}}`, msg)
}

func (rep *reply) fail(status int, msg string) {
	rep.status = status
	rep.body.Reset()
	fmt.Fprintf(&rep.body, `{"errorMessages":[%q],"errors":{}}`, msg)
}

func (s *Server) route(d *dataset, rep *reply, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/rest/api/2/serverInfo" || p == "/rest/api/3/serverInfo":
		rep.body.Write(d.serverInfo)
	case p == "/rest/api/2/myself" || p == "/rest/api/3/myself":
		fmt.Fprintf(&rep.body, `{"accountId":"jiratest","name":"jiratest","displayName":"jiratest","timeZone":%q}`, s.opts.TimeZone)
	case p == "/rest/api/2/field" || p == "/rest/api/3/field":
		rep.body.Write(d.fields)
	case p == "/rest/api/2/status" || p == "/rest/api/3/status":
		rep.body.Write(d.statuses)
	case p == "/rest/api/2/search" || p == "/rest/api/3/search":
		s.searchDC(d, rep, r)
	case p == "/rest/api/2/search/jql" || p == "/rest/api/3/search/jql":
		s.searchCloud(d, rep, r)
	case p == "/rest/api/2/search/approximate-count" || p == "/rest/api/3/search/approximate-count":
		s.approximateCount(d, rep, r)
	case p == "/rest/api/2/changelog/bulkfetch" || p == "/rest/api/3/changelog/bulkfetch":
		s.bulkChangelogs(d, rep, r)
	case strings.HasPrefix(p, "/rest/api/2/issue/") || strings.HasPrefix(p, "/rest/api/3/issue/"):
		s.changelog(d, rep, r)
	case p == "/rest/agile/1.0/board":
		s.boards(d, rep, r)
	case strings.HasPrefix(p, "/rest/agile/1.0/board/"):
		s.sprints(d, rep, r)
	default:
		rep.fail(http.StatusNotFound, "no route for "+p)
	}
}

// intParam reads a non-negative integer query parameter.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s must be a non-negative integer, got %q", name, v)
	}
	return n, nil
}
