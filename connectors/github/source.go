package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/internal/config"
)

func init() {
	connectors.Register("github", func(cfg config.Source) (connectors.Source, error) { return New(cfg) })
}

// Source syncs one configured GitHub (or GitHub Enterprise Server) source.
type Source struct {
	cfg     config.Source
	baseURL string // "" for GitHub.com
	overlap time.Duration
	workers int
}

// New checks cfg and builds its Source.
func New(cfg config.Source) (*Source, error) {
	if len(cfg.Repos) == 0 && cfg.Org == "" {
		return nil, fmt.Errorf("github source %s: set repos (owner/name) or org", cfg.Name)
	}
	for _, r := range cfg.Repos {
		if o, n, ok := strings.Cut(r, "/"); !ok || o == "" || n == "" || strings.Contains(n, "/") {
			return nil, fmt.Errorf("github source %s: repos: %q is not owner/name", cfg.Name, r)
		}
	}
	for _, g := range append(append([]string{}, cfg.Include...), cfg.Exclude...) {
		if _, err := matchRepo(g, "x/y"); err != nil {
			return nil, fmt.Errorf("github source %s: include/exclude pattern %q: %w", cfg.Name, g, err)
		}
	}
	switch cfg.API {
	case "", "graphql", "rest":
	default:
		return nil, fmt.Errorf("github source %s: api %q: use graphql or rest (or leave it out: graphql where the server has it)", cfg.Name, cfg.API)
	}
	s := &Source{cfg: cfg, overlap: cfg.Overlap.D(), workers: cfg.Workers}
	if s.overlap <= 0 {
		s.overlap = time.Hour
	}
	if s.workers <= 0 {
		s.workers = 4
	}
	if cfg.URL != "" {
		u, err := url.Parse(cfg.URL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("github source %s: url %q is not an absolute URL (GitHub Enterprise: https://host/api/v3)", cfg.Name, cfg.URL)
		}
		// go-github's error messages and the sources table carry the URL
		// as written: credentials in it would leak there.
		if u.User != nil {
			return nil, fmt.Errorf("github source %s: url %s holds credentials; remove them and set auth.token (usually ${GITHUB_TOKEN})", cfg.Name, u.Redacted())
		}
		if u.Host != "api.github.com" && u.Host != "github.com" {
			s.baseURL = cfg.URL
		}
	}
	return s, nil
}

// client builds the go-github client over the rate-limited transport.
func (s *Source) client(rt http.RoundTripper) (*gh.Client, error) {
	c := gh.NewClient(&http.Client{Transport: rt})
	if s.cfg.Auth.Token != "" {
		c = c.WithAuthToken(s.cfg.Auth.Token)
	}
	if s.baseURL == "" {
		return c, nil
	}
	c, err := c.WithEnterpriseURLs(s.baseURL, s.baseURL)
	if err != nil {
		return nil, fmt.Errorf("github source %s: url %q: %w", s.cfg.Name, s.baseURL, err)
	}
	return c, nil
}

// describe turns an API error into one a user can act on; it never
// includes the token (go-github's messages carry method, URL and status).
func (s *Source) describe(err error, what string) error {
	if errors.Is(err, connectors.ErrPartial) {
		return err
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusUnauthorized:
			return fmt.Errorf("github source %s: %s: HTTP 401 %s: the token in auth.token (usually ${GITHUB_TOKEN}) is missing, wrong or expired", s.cfg.Name, what, er.Message)
		case http.StatusForbidden:
			return fmt.Errorf("github source %s: %s: HTTP 403 %s: the token in auth.token (usually ${GITHUB_TOKEN}) lacks access (needs repo read scope, or SSO authorisation for the org)", s.cfg.Name, what, er.Message)
		case http.StatusNotFound:
			return fmt.Errorf("github source %s: %s: not found (check repos/org in the config, and that the token in auth.token can see it)", s.cfg.Name, what)
		}
	}
	return fmt.Errorf("github source %s: %s: %w", s.cfg.Name, what, err)
}
