package connectors

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy bounds how a connector's HTTP client retries. Zero fields take
// the defaults shown.
type RetryPolicy struct {
	MaxAttempts    int           // tries per request, the first included (5)
	MaxWait        time.Duration // total time one request may spend waiting between tries (2m)
	MinBackoff     time.Duration // first backoff before jitter (500ms)
	MaxBackoff     time.Duration // cap of one backoff (30s)
	AttemptTimeout time.Duration // timeout of a single try (60s)
	// OnAttempt, when set, is called for every try sent (retries included),
	// so connectors can count requests.
	OnAttempt func(*http.Request)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 2 * time.Minute
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = 500 * time.Millisecond
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = 30 * time.Second
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = p.MinBackoff
	}
	if p.AttemptTimeout <= 0 {
		p.AttemptTimeout = 60 * time.Second
	}
	return p
}

// NewHTTPClient returns an *http.Client that retries 429, 5xx (not 501),
// connection resets and timeouts with exponential backoff and jitter,
// honouring Retry-After on 429 and 503. A request stops retrying after
// p.MaxAttempts tries or when the next wait would take its total waiting
// beyond p.MaxWait; the last response is then returned as is (a 429 or 5xx
// with its headers, so the caller can report it), or the last transport
// error. Retries are logged at warn level with method, path and status only:
// never headers, so tokens stay out of logs. Use its Transport as the inner
// transport of an authenticating RoundTripper.
func NewHTTPClient(logger *slog.Logger, p RetryPolicy) *http.Client {
	p = p.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	inner := cleanhttp.DefaultPooledClient()
	inner.Timeout = p.AttemptTimeout
	rc := &retryablehttp.Client{
		HTTPClient:   inner,
		Logger:       nil,
		RetryMax:     p.MaxAttempts, // the budget below decides; this is only a backstop
		RetryWaitMin: p.MinBackoff,
		RetryWaitMax: p.MaxBackoff,
		CheckRetry:   (&retrier{p: p, log: logger}).check,
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if resp != nil && resp.Body != nil {
				resp.Body.Close()
			}
			return nil, err
		},
	}
	if p.OnAttempt != nil {
		rc.RequestLogHook = func(_ retryablehttp.Logger, r *http.Request, _ int) { p.OnAttempt(r) }
	}
	return &http.Client{Transport: &budgetTransport{next: &retryablehttp.RoundTripper{Client: rc}}}
}

// budget is the retry state of one logical request, carried in its context
// because retryablehttp's hooks are shared by all requests of a client.
type budget struct {
	mu     sync.Mutex
	tries  int
	waited time.Duration
}

type budgetKey struct{}

// budgetTransport gives each request a fresh budget.
type budgetTransport struct{ next http.RoundTripper }

// RoundTrip sends r with a budget of its own.
func (t *budgetTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := context.WithValue(r.Context(), budgetKey{}, &budget{})
	return t.next.RoundTrip(r.WithContext(ctx))
}

type retrier struct {
	p   RetryPolicy
	log *slog.Logger
}

// check decides whether to retry and, if so, sleeps the backoff itself: the
// retryablehttp Backoff hook gets no context, and the wait must be weighed
// against this request's budget before choosing to retry at all.
func (r *retrier) check(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	retry, _ := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	if resp != nil && resp.StatusCode == http.StatusRequestTimeout {
		retry = true
	}
	if !retry {
		return false, nil
	}
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if b == nil {
		b = &budget{}
	}
	b.mu.Lock()
	b.tries++
	tries, waited := b.tries, b.waited
	b.mu.Unlock()
	if tries >= r.p.MaxAttempts {
		return false, err
	}
	wait, fromHeader := r.wait(tries, resp)
	if waited+wait > r.p.MaxWait {
		if fromHeader {
			r.log.Warn("http retry-after beyond the wait budget; giving up", reqAttrs(resp, err, wait)...)
		}
		return false, err
	}
	r.log.Warn("http retry", append(reqAttrs(resp, err, wait), "attempt", tries+1)...)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-timer.C:
	}
	b.mu.Lock()
	b.waited += wait
	b.mu.Unlock()
	return true, nil
}

// wait is the pause before try n+1: Retry-After when a 429 or 503 carries
// one, otherwise exponential backoff with jitter in [d/2, d].
func (r *retrier) wait(n int, resp *http.Response) (time.Duration, bool) {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp); ok {
			return d, true
		}
	}
	return r.p.Backoff(n), false
}

// Backoff is the pause before try n+1 (n >= 1): exponential from
// MinBackoff, capped at MaxBackoff, with jitter in [d/2, d]. Connectors use
// it to retry what the transport cannot see, such as a malformed 2xx body.
func (p RetryPolicy) Backoff(n int) time.Duration {
	p = p.withDefaults()
	d := p.MinBackoff << min(max(n, 1)-1, 30)
	if d <= 0 || d > p.MaxBackoff {
		d = p.MaxBackoff
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// RetryAfter reads a response's Retry-After header (seconds or an HTTP date).
func RetryAfter(resp *http.Response) (time.Duration, bool) {
	h := resp.Header.Get("Retry-After")
	if h == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(h, 10, 64); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, time.Until(t)), true
	}
	return 0, false
}

func reqAttrs(resp *http.Response, err error, wait time.Duration) []any {
	attrs := []any{"wait", wait.Round(time.Millisecond)}
	if resp != nil {
		attrs = append(attrs, "method", resp.Request.Method, "path", resp.Request.URL.Path, "status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, "err", err.Error())
	}
	return attrs
}

// WaitBeyondBudget tells why the client returned a 429 or 503 as is: true
// (with the wait asked) when its Retry-After was beyond p.MaxWait, a clean
// early stop to resume later (ErrPartial); false when the tries ran out
// with the waits inside the budget, which is a failure of the server, not
// a rate limit to wait out.
func (p RetryPolicy) WaitBeyondBudget(resp *http.Response) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	d, ok := RetryAfter(resp)
	return d, ok && d > p.withDefaults().MaxWait
}
