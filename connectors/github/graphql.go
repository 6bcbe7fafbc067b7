package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/systemic-dev/systemic/connectors"
)

// gqlClient posts GraphQL queries to GitHub with its own points budget
// (a limiter of its own: GitHub keeps REST requests and GraphQL points
// apart). It retries what may pass on a second try and reports timeouts to
// the caller, which can ask for a smaller page.
type gqlClient struct {
	source   string
	endpoint string
	token    string
	http     *http.Client
	lim      *limiter
	log      *slog.Logger
	// retryWait bounds the total backoff of one operation's retries, as
	// the REST client's (the run's --max-wait, at most 2 minutes); 0: only
	// the tries bound them.
	retryWait time.Duration

	queries atomic.Int64
	points  atomic.Int64
}

// errTimeout is GitHub giving up on a query (502/504, its timeout message,
// or a node limit): a smaller page may pass.
var errTimeout = errors.New("GitHub timed out on the query")

// errNoGraphQL is a server without a GraphQL endpoint (404).
var errNoGraphQL = errors.New("no GraphQL endpoint here (HTTP 404); set api: rest for this source")

// errLimited is a RATE_LIMITED reply: the limiter now waits for the reset.
var errLimited = errors.New("GraphQL rate limited")

// gqlEndpoint derives the GraphQL URL from the REST base URL: GitHub.com
// serves /graphql on api.github.com; GitHub Enterprise Server serves
// https://host/api/graphql next to https://host/api/v3.
func gqlEndpoint(base string) string {
	if base == "" {
		return "https://api.github.com/graphql"
	}
	b := strings.TrimSuffix(base, "/")
	if strings.HasSuffix(b, "/api/v3") {
		return strings.TrimSuffix(b, "/v3") + "/graphql"
	}
	return b + "/graphql"
}

type replier interface {
	rate() *gqlRate
	check() error
}

// query runs one operation into data. build gives the query and variables
// of each try, so shrink (when not nil) can make the next try's page
// smaller after a timeout; a timeout with nothing left to shrink is
// retried like any transient fault.
func (c *gqlClient) query(ctx context.Context, op string, build func() (string, map[string]any), data replier, shrink func() bool) error {
	tries, limits := 0, 0
	var waited time.Duration
	for {
		q, vars := build()
		err := c.once(ctx, q, vars, data)
		var bad *malformedError
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, errLimited):
			if limits++; limits > maxLimitWaits {
				return fmt.Errorf("github source %s: GraphQL %s: still rate limited after %d waits", c.source, op, maxLimitWaits)
			}
			continue // the limiter waits for the reset before the next try
		case errors.Is(err, errTimeout) && shrink != nil && shrink():
			c.log.Warn("github graphql: timed out; asking for a smaller page", "op", op)
			continue
		case errors.Is(err, errTimeout), errors.As(err, &bad), errors.Is(err, errTransient):
		case errors.Is(err, errNoGraphQL):
			return fmt.Errorf("github source %s: GraphQL %s at %s: %w", c.source, op, c.endpoint, err)
		default:
			return fmt.Errorf("github source %s: GraphQL %s: %w", c.source, op, err)
		}
		tries++
		wait := backoff(tries)
		if tries >= malformedTries || (c.retryWait > 0 && waited+wait > c.retryWait) {
			return fmt.Errorf("github source %s: GraphQL %s at %s: %w (%d tries)", c.source, op, c.endpoint, err, tries)
		}
		c.log.Warn("github graphql: retrying", "op", op, "problem", err.Error(), "attempt", tries+1)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		waited += wait
	}
}

// errTransient wraps faults worth another try (5xx, broken connections).
var errTransient = errors.New("transient")

func (c *gqlClient) once(ctx context.Context, q string, vars map[string]any, data replier) error {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	c.queries.Add(1)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, connectors.ErrPartial) {
			return unwrapURL(err)
		}
		return fmt.Errorf("%w: %v", errTransient, unwrapURL(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%w: reading the reply: %v", errTransient, err)
	}
	if err := statusError(resp.StatusCode, raw); err != nil {
		return err
	}
	return c.decode(raw, data)
}

// unwrapURL drops net/http's "Post <url>:" wrapper, keeping the cause
// (the limiter's ErrPartial among them) reachable with errors.Is.
func unwrapURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

func statusError(status int, raw []byte) error {
	switch {
	case status == http.StatusOK:
		return nil
	case status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
		return errTimeout
	case status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout:
		return fmt.Errorf("%w: HTTP %d", errTransient, status)
	case status == http.StatusUnauthorized:
		return errors.New("HTTP 401: the token in auth.token (usually ${GITHUB_TOKEN}) is missing, wrong or expired")
	case status == http.StatusForbidden:
		return fmt.Errorf("HTTP 403 %s: the token in auth.token lacks access (needs repo read scope, or SSO authorisation for the org)", message(raw))
	case status == http.StatusNotFound:
		return errNoGraphQL
	}
	return fmt.Errorf("HTTP %d %s", status, message(raw))
}

func message(raw []byte) string {
	var v struct{ Message string }
	json.Unmarshal(raw, &v)
	return v.Message
}

type gqlErr struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// decode checks a 200 reply, records the points it reports and sorts its
// errors: RATE_LIMITED waits, timeouts and node limits shrink the page,
// NOT_FOUND fails, anything else is retried.
func (c *gqlClient) decode(raw []byte, data replier) error {
	if err := checkBody(http.StatusOK, raw, '{'); err != nil {
		return err
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlErr        `json:"errors"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return malformed("GitHub returned an unexpected shape: %v", err)
	}
	if len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, data); err != nil {
			return malformed("GitHub returned an unexpected shape: %v", err)
		}
		if r := data.rate(); r != nil {
			c.points.Add(int64(r.Cost))
			c.lim.setBudget(r.Remaining, r.Limit, r.ResetAt)
		}
	}
	for _, e := range env.Errors {
		switch {
		case e.Type == "RATE_LIMITED":
			c.lim.exhaust()
			return errLimited
		case e.Type == "NOT_FOUND":
			return fmt.Errorf("%s (check repos/org in the config, and that the token in auth.token can see it)", e.Message)
		case e.Type == "MAX_NODE_LIMIT_EXCEEDED" || strings.Contains(strings.ToLower(e.Message), "timeout"):
			return fmt.Errorf("%w: %s", errTimeout, e.Message)
		}
	}
	if len(env.Errors) > 0 {
		return fmt.Errorf("%w: GitHub answered with an error: %s %s", errTransient, env.Errors[0].Type, env.Errors[0].Message)
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return malformed("GitHub returned neither data nor errors")
	}
	return data.check()
}

// newGQL builds the GraphQL client of a run: no retries in the HTTP layer
// (query decides, so a timeout can shrink the page first) and a limiter of
// its own for the points budget.
func (s *Source) newGQL(opts connectors.Options) *gqlClient {
	base := connectors.NewHTTPClient(opts.Logger, connectors.RetryPolicy{MaxAttempts: 1})
	lim := newLimiter(base.Transport, opts.MaxWait, opts.Logger)
	lim.name = "GitHub GraphQL"
	return &gqlClient{source: s.cfg.Name, endpoint: gqlEndpoint(s.baseURL), token: s.cfg.Auth.Token,
		http: &http.Client{Transport: lim}, lim: lim, log: opts.Logger, retryWait: min(opts.MaxWait, 2*time.Minute)}
}

const queryRate = `query RateLimit { ` + gqlRateLimit + ` }`

type rateData struct {
	RateLimit *gqlRate `json:"rateLimit"`
}

func (d *rateData) rate() *gqlRate { return d.RateLimit }
func (d *rateData) check() error   { return nil }

// probeGraphQL decides, when the config leaves api out and the server is a
// GitHub Enterprise Server, whether it has GraphQL (one rateLimit query);
// without it pull requests come through REST.
func (r *run) probeGraphQL(ctx context.Context) error {
	if r.gql == nil || r.src.cfg.API != "" || r.src.baseURL == "" {
		return nil
	}
	var d rateData
	err := r.gql.query(ctx, "RateLimit", func() (string, map[string]any) { return queryRate, nil }, &d, nil)
	if errors.Is(err, errNoGraphQL) {
		r.opts.Logger.Info("github: no GraphQL endpoint; pull requests through REST", "endpoint", r.gql.endpoint)
		r.gql, r.graphql = nil, false
		return nil
	}
	return err
}
