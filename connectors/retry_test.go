package connectors

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestHTTPClientRetries(t *testing.T) {
	fast := RetryPolicy{MaxAttempts: 4, MaxWait: 2 * time.Second, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
	tests := []struct {
		name       string
		policy     RetryPolicy
		fail       int // tries answered with status before a 200
		status     int
		retryAfter string
		wantStatus int
		wantTries  int
	}{
		{"503 then ok", fast, 2, http.StatusServiceUnavailable, "", 200, 3},
		{"429 retry-after 0", fast, 1, http.StatusTooManyRequests, "0", 200, 2},
		{"500 exhausts attempts", fast, 10, http.StatusInternalServerError, "", 500, 4},
		{"retry-after beyond budget", fast, 10, http.StatusTooManyRequests, "3600", 429, 1},
		{"400 not retried", fast, 10, http.StatusBadRequest, "", 400, 1},
		{"501 not retried", fast, 10, http.StatusNotImplemented, "", 501, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tries, attempts atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if int(tries.Add(1)) <= tt.fail {
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					w.WriteHeader(tt.status)
					return
				}
				w.Write([]byte("ok"))
			}))
			defer srv.Close()
			p := tt.policy
			p.OnAttempt = func(*http.Request) { attempts.Add(1) }
			c := NewHTTPClient(nil, p)
			resp, err := c.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || int(tries.Load()) != tt.wantTries || int(attempts.Load()) != tt.wantTries {
				t.Errorf("status %d tries %d attempts %d, want %d and %d", resp.StatusCode, tries.Load(), attempts.Load(), tt.wantStatus, tt.wantTries)
			}
		})
	}
}

func TestHTTPClientConnectionErrorAndCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close() // connection refused from now on
	c := NewHTTPClient(nil, RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if _, err := c.Get(url); err == nil {
		t.Fatal("want an error from a closed server")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if _, err := c.Do(req); err == nil {
		t.Fatal("want an error from a cancelled context")
	}
}
