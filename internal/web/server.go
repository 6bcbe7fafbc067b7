package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/live"
)

//go:embed templates
var assets embed.FS

// Options configure the app.
type Options struct {
	Source *live.Source
	Now    func() time.Time
	// Token, when set, must come with every request: as ?token=, which
	// sets a cookie for the pages after it, or as "Authorization: Bearer".
	Token string
	// What reports need beyond the store: the plan to hold the work
	// against, thresholds and the working calendar of the config.
	Plan       *config.Plan
	Thresholds config.Thresholds
	Calendar   config.Calendar
	States     config.States
}

// Server serves the app; it is an http.Handler.
type Server struct {
	opts  Options
	mux   *http.ServeMux
	pages *template.Template

	mu      sync.Mutex
	reports reportCache
}

const cookieName = "systemic_token"

// New returns the app.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	pages, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), pages: pages}
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("GET /report", s.report)
	s.mux.HandleFunc("GET /findings", s.findings)
	s.mux.HandleFunc("GET /findings/{rank}", s.finding)
	s.mux.HandleFunc("GET /plan", s.plan)
	s.mux.HandleFunc("GET /plan/{kind}/{id}", s.planItem)
	s.mux.HandleFunc("GET /questions", s.questions)
	s.mux.HandleFunc("GET /questions/{name}", s.question)
	s.mux.HandleFunc("GET /teams", s.teams)
	s.mux.HandleFunc("GET /teams/{team}", s.team)
	s.mux.HandleFunc("GET /views", s.views)
	s.mux.HandleFunc("GET /explain/{name}", s.explain)
	s.mux.HandleFunc("GET /style.css", s.style)
	// The report's own page names no icon: answer the browser's guess
	// with nothing rather than a 404 on its console.
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return s, nil
}

// ServeHTTP checks the token and the method, sets headers that keep the
// browser from fetching anything elsewhere, then serves the page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "+
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "systemic serve is read-only: only GET requests", http.StatusMethodNotAllowed)
		return
	}
	if !s.authorised(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// authorised checks the token; a valid ?token= sets the cookie and
// redirects to the same URL without it, so links stay clean and the
// token does not linger in history.
func (s *Server) authorised(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.Token == "" {
		return true
	}
	if q := r.URL.Query().Get("token"); q != "" && s.tokenOK(q) {
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: q, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		u := *r.URL
		v := u.Query()
		v.Del("token")
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	if c, err := r.Cookie(cookieName); err == nil && s.tokenOK(c.Value) {
		return true
	}
	if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.tokenOK(b) {
		return true
	}
	http.Error(w, "this systemic serve needs its token: open the URL it printed (with ?token=...)", http.StatusUnauthorized)
	return false
}

func (s *Server) tokenOK(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) == 1
}

func (s *Server) style(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("templates/style.css")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write(b)
}

// Warm opens the view before the first request: with a store that
// changed, that writes the pseudonymised copy (seconds for a large
// store), which is better done before the server says it is ready.
func (s *Server) Warm(ctx context.Context) error {
	_, release, err := s.opts.Source.Acquire(ctx)
	if err != nil {
		return err
	}
	release()
	return nil
}
