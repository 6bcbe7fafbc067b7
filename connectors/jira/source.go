package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

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
	policy   connectors.RetryPolicy
	log      *slog.Logger
	requests *atomic.Int64
}

// retryPolicy is the retrying client's policy (defaults of
// connectors.RetryPolicy); tests shorten its backoff.
var retryPolicy connectors.RetryPolicy

func newAPI(cfg config.Source, opts connectors.Options) (*api, error) {
	a := &api{src: cfg.Name, cfg: cfg, requests: &atomic.Int64{}, log: opts.Logger}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	p := retryPolicy
	if opts.MaxWait > 0 {
		p.MaxWait = opts.MaxWait
	}
	p.OnAttempt = func(*http.Request) { a.requests.Add(1) }
	a.policy = p
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

// validator is a decoded answer that checks its own shape: the keys the
// API always sends are there, and nothing is null that Jira never sends as
// null. It returns what is wrong in plain words, or "".
type validator interface {
	problem() string
}

// maxBody bounds one answer held in memory: far above any real page (a
// bulk changelog page of 1,000 long changelogs is some tens of MiB), it
// stops a hostile endless 200 from exhausting memory.
var maxBody int64 = 1 << 30

// maxBodyTries bounds how often one request is sent again because its 2xx
// body was not a page (empty, HTML, cut short, wrong shape).
const maxBodyTries = 5

// call sends one request and decodes the JSON answer into v (when not nil),
// checking its shape when v is a validator. A 2xx body that is not a page
// is transient, like a 5xx (the retrying transport only sees status codes):
// it is fetched again with backoff, and when the tries are spent the error
// names the source, the endpoint and what was wrong. Nothing of such a body
// reaches v's caller.
func (a *api) call(ctx context.Context, method, path string, q url.Values, body, v any) error {
	return a.callChecked(ctx, method, path, q, body, v, nil)
}

// callChecked is call with the shape check given as check (run after each
// decode, in place of v's own).
func (a *api) callChecked(ctx context.Context, method, path string, q url.Values, body, v any, check func() string) error {
	u := path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	for try := 1; ; try++ {
		err := a.once(ctx, method, u, path, body, v, check)
		if err == nil || !connectors.IsBadBody(err) || ctx.Err() != nil {
			return err
		}
		if try >= maxBodyTries {
			return fmt.Errorf("jira %s: %w (%d tries)", a.src, err, try)
		}
		wait := a.policy.Backoff(try)
		a.log.Warn("jira answer is not a page; asking again", "path", path, "problem", err.Error(), "attempt", try+1, "wait", wait.Round(time.Millisecond))
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (a *api) once(ctx context.Context, method, u, path string, body, v any, check func() string) error {
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
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return connectors.NewBadBody("Jira", resp.Response, "a body cut off ("+err.Error()+")")
	}
	if int64(len(data)) > maxBody {
		return fmt.Errorf("jira %s: %s %s: the answer is larger than %d MiB; refusing it (no Jira page is that large: a proxy or a loop in between?)",
			a.src, method, path, maxBody>>20)
	}
	if v == nil {
		return nil
	}
	zero(v)
	if err := connectors.DecodeJSON("Jira", resp.Response, data, v); err != nil {
		return err
	}
	if val, ok := v.(validator); ok && check == nil {
		check = val.problem
	}
	if check != nil {
		if p := check(); p != "" {
			return connectors.NewBadBody("Jira", resp.Response, p)
		}
	}
	return nil
}

// zero resets what v points to, so a retried decode keeps nothing of a
// rejected body.
func zero(v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv.Elem().SetZero()
	}
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
		if d, beyond := a.policy.WaitBeyondBudget(resp); beyond {
			return fmt.Errorf("%s (retry after %s, beyond the rate-limit wait budget; run again later to resume): %w",
				where, d, connectors.ErrPartial)
		}
		return fmt.Errorf("%s: still refused after every retry; Jira (or a proxy in front of it) is overloaded or down, run again later", where)
	case http.StatusGone:
		return fmt.Errorf("%s: this API is gone (Jira Cloud removed the old search); set deployment: cloud for source %s: %s", where, a.src, msg)
	}
	if msg == "" {
		msg = strings.TrimSpace(string(data[:min(len(data), 300)]))
	}
	if resp.StatusCode == http.StatusNotFound {
		return &notFoundError{where + ": " + msg}
	}
	return fmt.Errorf("%s: %s", where, msg)
}

// notFoundError is a 404: an API this instance lacks (Jira without
// Software has no agile API) or an object gone meanwhile.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

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
