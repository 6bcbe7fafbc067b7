package github

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/systemic-dev/systemic/connectors"
)

const (
	paceBelow     = 20              // pace when less than 1/paceBelow of the budget is left
	maxPace       = 2 * time.Second // longest pause between two requests while pacing
	maxLimitWaits = 5               // rate-limit replies in a row before giving up on a request
	maxReadTries  = 3               // tries when a body breaks off midway
)

// limiter is an http.RoundTripper that keeps a whole sync (all repository
// workers) within GitHub's rate limits. It tracks the primary budget from
// the X-RateLimit-* headers, paces requests as it runs low, waits for the
// reset when that is within maxWait and otherwise fails the request with
// connectors.ErrPartial; secondary limits (403/429 with Retry-After, or the
// "secondary rate limit" message) pause every worker. It also reads each
// body whole, retrying a body that breaks off midway.
type limiter struct {
	next    http.RoundTripper
	name    string // "GitHub" or "GitHub GraphQL", for messages
	maxWait time.Duration
	now     func() time.Time
	log     *slog.Logger

	mu         sync.Mutex
	known      bool
	limit      int
	remaining  int
	reset      time.Time
	pauseUntil time.Time
}

func newLimiter(next http.RoundTripper, maxWait time.Duration, log *slog.Logger) *limiter {
	return &limiter{next: next, name: "GitHub", maxWait: maxWait, now: time.Now, log: log}
}

// RoundTrip implements http.RoundTripper.
func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	waits, reads := 0, 0
	for try := 0; ; try++ {
		if err := l.before(ctx); err != nil {
			return nil, err
		}
		if try > 0 && req.GetBody != nil { // a POST (GraphQL) sends its body again
			b, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = b
		}
		resp, err := l.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		l.observe(resp)
		if wait, limited := l.limited(resp); limited {
			drain(resp)
			if waits++; waits > maxLimitWaits {
				return nil, fmt.Errorf("GET %s: still rate limited after %d waits", req.URL.Path, maxLimitWaits)
			}
			if err := l.pause(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			if reads++; reads >= maxReadTries {
				return nil, fmt.Errorf("GET %s: reading the reply: %w", req.URL.Path, err)
			}
			if err := sleep(ctx, time.Duration(reads)*100*time.Millisecond); err != nil {
				return nil, err
			}
			continue
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		// go-github refuses requests on its own once it has seen
		// Remaining 0; this limiter decides instead (it may wait).
		resp.Header.Del("X-RateLimit-Reset")
		return resp, nil
	}
}

// before waits as the budget requires, or fails with ErrPartial when the
// wait would exceed maxWait.
func (l *limiter) before(ctx context.Context) error {
	l.mu.Lock()
	now := l.now()
	var wait time.Duration
	if now.Before(l.pauseUntil) {
		wait = l.pauseUntil.Sub(now)
	}
	until := l.pauseUntil
	if l.known && now.Before(l.reset) {
		switch {
		case l.remaining <= 0:
			// Reset is whole seconds: wait one more so the window has turned.
			if w := l.reset.Sub(now) + time.Second; w > wait {
				wait, until = w, l.reset
			}
		case l.remaining < l.limit/paceBelow:
			wait = max(wait, min(l.reset.Sub(now)/time.Duration(l.remaining+1), maxPace, l.maxWait))
		}
	}
	if l.known {
		l.remaining-- // reserve, so concurrent workers do not all spend the last one
	}
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	if wait > l.maxWait {
		return fmt.Errorf("%w: %s rate limit exhausted until %s (%s away, beyond the longest wait of %s); re-run after %s to resume",
			connectors.ErrPartial, l.name, until.UTC().Format(time.RFC3339), wait.Round(time.Second), l.maxWait, until.UTC().Format(time.RFC3339))
	}
	if !until.After(now) { // pacing: no reset or pause to wait for, only the pause itself
		until = now.Add(wait)
	}
	if wait >= time.Second {
		l.log.Info("github rate limit: waiting", "wait", wait.Round(time.Second), "until", until.UTC().Format(time.RFC3339))
	}
	return sleep(ctx, wait)
}

// observe records the budget a response reports.
func (l *limiter) observe(resp *http.Response) {
	h := resp.Header
	rem, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, err2 := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return
	}
	limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	at := time.Unix(reset, 0)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case !l.known || at.After(l.reset):
		l.known, l.reset, l.remaining, l.limit = true, at, rem, limit
	case at.Equal(l.reset):
		l.remaining = min(l.remaining, rem)
	}
}

// setBudget records the budget a GraphQL reply reports in its rateLimit
// object (points remaining, the window's size and reset).
func (l *limiter) setBudget(remaining, limit int, reset time.Time) {
	if reset.IsZero() || limit <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.known || !reset.Before(l.reset) {
		l.known, l.reset, l.remaining, l.limit = true, reset, remaining, limit
	}
}

// exhaust marks the budget spent until the known reset (a RATE_LIMITED
// reply), or for a minute when no reset is known.
func (l *limiter) exhaust() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.known || !l.now().Before(l.reset) {
		l.known, l.reset, l.limit = true, l.now().Add(time.Minute), max(l.limit, 1)
	}
	l.remaining = 0
}

// limited says whether resp is a rate-limit reply and how long to pause
// (0 for the primary limit: before() then waits for the reset).
func (l *limiter) limited(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if d, ok := connectors.RetryAfter(resp); ok {
		return d, true
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		return 0, true
	}
	if resp.StatusCode == http.StatusTooManyRequests || secondaryMessage(resp) {
		return time.Minute, true // GitHub's advice when no Retry-After is given
	}
	return 0, false
}

// secondaryMessage peeks at a 403 body for GitHub's secondary-limit wording,
// leaving the body readable.
func secondaryMessage(resp *http.Response) bool {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return strings.Contains(strings.ToLower(string(b)), "secondary rate limit")
}

// pause holds every worker for d (a secondary limit), or fails with
// ErrPartial when d is beyond maxWait.
func (l *limiter) pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	until := l.now().Add(d)
	if d > l.maxWait {
		return fmt.Errorf("%w: GitHub secondary rate limit asks to wait until %s (%s, beyond the longest wait of %s); re-run after %s to resume",
			connectors.ErrPartial, until.UTC().Format(time.RFC3339), d.Round(time.Second), l.maxWait, until.UTC().Format(time.RFC3339))
	}
	l.mu.Lock()
	if until.After(l.pauseUntil) {
		l.pauseUntil = until
	}
	l.mu.Unlock()
	l.log.Info("github secondary rate limit: waiting", "wait", d.Round(time.Second))
	return nil // before() sleeps
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
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
