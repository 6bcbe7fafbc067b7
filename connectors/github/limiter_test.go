package github

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors"
)

func budgetReply(limit, remaining int, reset time.Time) *http.Response {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	return &http.Response{StatusCode: 200, Header: h}
}

func TestLimiterBefore(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		remaining int
		resetIn   time.Duration
		minWait   time.Duration
		partial   bool
	}{
		{"plenty left: no wait", 4000, time.Hour, 0, false},
		{"low: paced", 100, 10 * time.Second, 80 * time.Millisecond, false},
		{"exhausted, reset soon: waits", 0, time.Second, time.Second, false},
		{"exhausted, reset beyond max wait: partial", 0, time.Hour, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLimiter(nil, 3*time.Second, discard)
			l.now = func() time.Time { return now }
			l.observe(budgetReply(5000, c.remaining, now.Add(c.resetIn)))
			start := time.Now()
			err := l.before(context.Background())
			took := time.Since(start)
			if c.partial {
				if !errors.Is(err, connectors.ErrPartial) || !strings.Contains(err.Error(), "re-run after 2026-03-01T13:00:00Z") {
					t.Errorf("err = %v, want ErrPartial with the reset time", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if took < c.minWait || (c.minWait == 0 && took > 50*time.Millisecond) {
				t.Errorf("waited %s, want at least %s", took, c.minWait)
			}
		})
	}
}
