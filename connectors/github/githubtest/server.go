package githubtest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. The zero value serves without auth, with a
// budget of 5,000 requests an hour and no faults.
type Options struct {
	// Token, when set, must come as "Authorization: Bearer <token>" (or
	// "token <token>"); anything else gets 401 Bad credentials.
	Token string
	// Limit is the primary rate-limit budget per window (default 5000).
	Limit int
	// Used is how much of the first window is already spent; Used >= Limit
	// starts with an exhausted budget.
	Used int
	// PointLimit is the GraphQL budget in points per window (default
	// 5000), kept apart from Limit as GitHub keeps them.
	PointLimit int
	// Window is how long a budget lasts until it resets (default 1h).
	Window time.Duration
	// Faults are injected by path and request number.
	Faults []Fault
	// Hook, when set, is called before each request is served with its
	// path and the server-wide request count (tests use it to cancel or
	// kill a client midway).
	Hook func(path string, n int)
	// Now is the server's clock (default time.Now).
	Now func() time.Time
}

// Fault changes the reply to the Nth request (1-based; 0 = every request)
// of Path (an API path such as "/repos/o/r/pulls").
type Fault struct {
	Path       string
	Nth        int
	Status     int           // reply with this status and a GitHub error body (0 = serve normally)
	RetryAfter string        // Retry-After header value
	Message    string        // error message (default from the status)
	Latency    time.Duration // delay before replying
	Truncate   bool          // send half the body, then close the connection
	// Mangle replaces a 200 reply's body (status kept): MangleEmpty,
	// MangleHTML, MangleTruncated, MangleNulls, MangleTypes or MangleDates.
	Mangle string
	// MinFirst limits a Status fault on /graphql to queries whose page
	// size is above it (GitHub times out on large pages with 502).
	MinFirst int
	// GraphQLError answers /graphql with 200 and an errors object of
	// this type (e.g. "INTERNAL") instead of data.
	GraphQLError string
}

// Server is a running fake GitHub API.
type Server struct {
	*httptest.Server
	opts  Options
	repos map[string]*repo
	order []string

	mu      sync.Mutex
	paths   map[string]int
	total   int
	counted int
	used    int
	reset   time.Time

	gqlUsed  int
	gqlReset time.Time
	points   int
	queries  int
}

// New loads DIR/github and starts serving it.
func New(dir string, opts Options) (*Server, error) {
	repos, order, err := load(dir)
	if err != nil {
		return nil, fmt.Errorf("githubtest: %w", err)
	}
	if opts.Limit <= 0 {
		opts.Limit = 5000
	}
	if opts.PointLimit <= 0 {
		opts.PointLimit = 5000
	}
	if opts.Window <= 0 {
		opts.Window = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, repos: repos, order: order, paths: map[string]int{}, used: opts.Used}
	s.reset = opts.Now().Add(opts.Window)
	s.gqlReset = s.reset
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s, nil
}

// Load replaces the served data with DIR/github (to simulate changes
// during or between syncs).
func (s *Server) Load(dir string) error {
	repos, order, err := load(dir)
	if err != nil {
		return fmt.Errorf("githubtest: %w", err)
	}
	s.mu.Lock()
	s.repos, s.order = repos, order
	s.mu.Unlock()
	return nil
}

// Requests returns how many requests reached path (304s included).
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paths[path]
}

// Total returns how many requests the server received.
func (s *Server) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Charged returns how many requests counted against the rate limit.
func (s *Server) Charged() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counted
}

// ResetCounters zeroes the request counters (not the budget).
func (s *Server) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths = map[string]int{}
	s.total, s.counted = 0, 0
	s.points, s.queries = 0, 0
}

// SetBudget sets how much of the current window is spent and when it resets.
func (s *Server) SetBudget(used int, resetIn time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used = used
	s.reset = s.opts.Now().Add(resetIn)
}

// AddFault injects one more fault.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Faults = append(s.opts.Faults, f)
}

// admit counts the request and returns its fault, if any.
func (s *Server) admit(path string) (Fault, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.paths[path]++
	n := s.paths[path]
	for _, f := range s.opts.Faults {
		if f.Path == path && (f.Nth == 0 || f.Nth == n) {
			return f, s.total
		}
	}
	return Fault{}, s.total
}

// charge spends one request of the budget; false when it is exhausted.
func (s *Server) charge(h http.Header, notModified bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	if !now.Before(s.reset) {
		s.used = 0
		s.reset = now.Add(s.opts.Window)
	}
	ok := s.used < s.opts.Limit
	if ok && !notModified {
		s.used++
		s.counted++
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, s.opts.Limit-s.used)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(min(s.used, s.opts.Limit)))
	h.Set("X-RateLimit-Resource", "core")
	return ok
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	if path == "/api/graphql" {
		path = "/graphql"
	}
	f, n := s.admit(path)
	if s.opts.Hook != nil {
		s.opts.Hook(path, n)
	}
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if s.opts.Token != "" {
		a := r.Header.Get("Authorization")
		if a != "Bearer "+s.opts.Token && a != "token "+s.opts.Token {
			writeError(w, http.StatusUnauthorized, "Bad credentials")
			return
		}
	}
	if path == "/graphql" {
		s.serveGraphQL(w, r, f)
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		msg := f.Message
		if msg == "" && (f.Status == http.StatusForbidden || f.Status == http.StatusTooManyRequests) && f.RetryAfter != "" {
			msg = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
		}
		if msg == "" {
			msg = http.StatusText(f.Status)
		}
		writeError(w, f.Status, msg)
		return
	}
	status, body, link := s.route(r, path)
	if status == http.StatusOK && f.Mangle != "" {
		body = mangle(f.Mangle, body)
	}
	if status == http.StatusOK && link != "" {
		w.Header().Set("Link", link)
	}
	etag := ""
	if status == http.StatusOK {
		sum := md5.Sum(body)
		etag = `W/"` + hex.EncodeToString(sum[:]) + `"`
		w.Header().Set("ETag", etag)
	}
	notModified := etag != "" && matchETag(r.Header.Get("If-None-Match"), etag)
	if !s.charge(w.Header(), notModified) {
		w.Header().Del("Link")
		w.Header().Del("ETag")
		writeError(w, http.StatusForbidden, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.")
		return
	}
	if notModified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if f.Truncate {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return
	}
	w.WriteHeader(status)
	w.Write(body)
}

func matchETag(header, etag string) bool {
	if header == "" {
		return false
	}
	strip := func(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "W/") }
	for _, h := range strings.Split(header, ",") {
		if strip(h) == strip(etag) || strings.TrimSpace(h) == "*" {
			return true
		}
	}
	return false
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.WriteHeader(status)
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"message":%q,"documentation_url":"https://docs.github.com/rest"}`, msg)
	w.Write(b.Bytes())
}

// Paths returns the request count of every path requested so far.
func (s *Server) Paths() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.paths))
	for k, v := range s.paths {
		out[k] = v
	}
	return out
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Faults = nil
}
