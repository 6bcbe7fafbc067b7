package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/internal/config"
)

func init() {
	connectors.Register("jira", New)
}

// Source syncs one configured Jira instance.
type Source struct {
	cfg config.Source
}

// New checks cfg and returns its Source.
func New(cfg config.Source) (connectors.Source, error) {
	if cfg.URL == "" {
		return nil, fmt.Errorf("jira source %q: url is empty (set it to the site, e.g. https://acme.atlassian.net)", cfg.Name)
	}
	if _, err := url.Parse(cfg.URL); err != nil {
		return nil, fmt.Errorf("jira source %q: url: %w", cfg.Name, err)
	}
	if cfg.JQL == "" && len(cfg.Projects) == 0 {
		return nil, fmt.Errorf("jira source %q: set jql or projects to say which issues to sync", cfg.Name)
	}
	switch strings.ToLower(cfg.Deployment) {
	case "", "auto", "cloud", "datacenter", "server":
	default:
		return nil, fmt.Errorf("jira source %q: deployment %q is not one of auto, cloud, datacenter", cfg.Name, cfg.Deployment)
	}
	if cfg.Auth.Bearer == "" && (cfg.Auth.Email == "") != (cfg.Auth.Token == "") {
		return nil, fmt.Errorf("jira source %q: auth.email and auth.token go together (Cloud basic auth); for Data Center set auth.bearer", cfg.Name)
	}
	return &Source{cfg: cfg}, nil
}

// api is the HTTP side of one sync: go-jira's client over the retrying
// transport, with a request counter.
type api struct {
	src      string
	cfg      config.Source
	client   *gojira.Client
	requests *atomic.Int64
}

// retryPolicy is the retrying client's policy (defaults of
// connectors.RetryPolicy); tests shorten its backoff.
var retryPolicy connectors.RetryPolicy

func newAPI(cfg config.Source, opts connectors.Options) (*api, error) {
	a := &api{src: cfg.Name, cfg: cfg, requests: &atomic.Int64{}}
	p := retryPolicy
	if opts.MaxWait > 0 {
		p.MaxWait = opts.MaxWait
	}
	p.OnAttempt = func(*http.Request) { a.requests.Add(1) }
	hc := connectors.NewHTTPClient(opts.Logger, p)
	var httpClient *http.Client
	switch {
	case cfg.Auth.Bearer != "":
		httpClient = (&gojira.BearerAuthTransport{Token: cfg.Auth.Bearer, Transport: hc.Transport}).Client()
	case cfg.Auth.Email != "":
		httpClient = (&gojira.BasicAuthTransport{Username: cfg.Auth.Email, Password: cfg.Auth.Token, Transport: hc.Transport}).Client()
	default:
		httpClient = hc
	}
	c, err := gojira.NewClient(httpClient, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("jira %s: url: %w", cfg.Name, err)
	}
	a.client = c
	return a, nil
}

// call sends one request and decodes the JSON answer into v (when not nil).
// A body cut short or garbled is fetched again (twice at most): the retrying
// transport only sees status codes and connection errors.
func (a *api) call(ctx context.Context, method, path string, q url.Values, body, v any) error {
	u := path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var err error
	for try := 1; try <= 3; try++ {
		if err = a.once(ctx, method, u, path, body, v); err == nil || !errors.Is(err, errBadBody) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

var errBadBody = errors.New("unreadable response body")

func (a *api) once(ctx context.Context, method, u, path string, body, v any) error {
	req, err := a.client.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("jira %s: %s %s: %w", a.src, method, path, err)
	}
	resp, err := a.client.Do(req, nil)
	if resp == nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("jira %s: %s %s: %w", a.src, method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return a.statusError(method, path, resp.Response, data)
	}
	if v == nil {
		_, err := io.Copy(io.Discard, resp.Body)
		return err
	}
	// Decoding from the stream scans the body once (Unmarshal validates it
	// in a pass of its own first); a body cut short fails here.
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("jira %s: %s %s: %w: %v", a.src, method, path, errBadBody, err)
	}
	return nil
}

// jiraErrors is the error body Jira sends with 4xx answers.
type jiraErrors struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

// String joins Jira's messages and field errors.
func (e jiraErrors) String() string {
	msgs := append([]string(nil), e.ErrorMessages...)
	for k, v := range e.Errors {
		msgs = append(msgs, k+": "+v)
	}
	return strings.Join(msgs, "; ")
}

func (a *api) statusError(method, path string, resp *http.Response, data []byte) error {
	var je jiraErrors
	_ = json.Unmarshal(data, &je)
	msg := je.String()
	where := fmt.Sprintf("jira %s: %s %s: %s", a.src, method, path, resp.Status)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%s: %s", where, a.authHint(resp.StatusCode))
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		wait := "no Retry-After"
		if d, ok := connectors.RetryAfter(resp); ok {
			wait = "retry after " + d.String()
		}
		return fmt.Errorf("%s (%s, beyond the rate-limit wait budget; run again later): %w", where, wait, connectors.ErrPartial)
	case http.StatusGone:
		return fmt.Errorf("%s: this API is gone (Jira Cloud removed the old search); set deployment: cloud for source %s: %s", where, a.src, msg)
	}
	if msg == "" {
		msg = strings.TrimSpace(string(data[:min(len(data), 300)]))
	}
	return fmt.Errorf("%s: %s", where, msg)
}

func (a *api) authHint(status int) string {
	what := "authentication failed"
	if status == http.StatusForbidden {
		what = "access denied (the account lacks permission, or the credentials are wrong)"
	}
	if a.cfg.Auth.Bearer != "" {
		return what + fmt.Sprintf("; check auth.bearer of source %s (a Data Center personal access token, usually given as ${ENV_VAR} in the config) and that it has not expired", a.src)
	}
	if a.cfg.Auth.Email != "" {
		return what + fmt.Sprintf("; check auth.email and auth.token of source %s (the Atlassian account email and an API token, usually given as ${ENV_VAR} in the config)", a.src)
	}
	return what + fmt.Sprintf("; source %s has no credentials: set auth.email and auth.token (Cloud) or auth.bearer (Data Center)", a.src)
}
