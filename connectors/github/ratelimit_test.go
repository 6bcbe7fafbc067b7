package github

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
)

// reference syncs dir without faults and returns the content hash.
func reference(t *testing.T, dir string, repos ...string) map[string]string {
	t.Helper()
	srv := startServer(t, dir, githubtest.Options{})
	st := openStore(t, "")
	if _, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, repos...), st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	return contentHash(t, st)
}

func TestPrimaryLimitBeyondMaxWait(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 150, maxReviews: 2, seed: 5})
	want := reference(t, dir, "acme/api")
	srv := startServer(t, dir, githubtest.Options{Limit: 120, Window: time.Hour})
	st := openStore(t, "")
	cfg := sourceConfig(srv.URL, "acme/api")
	_, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{MaxWait: time.Second})
	if !errors.Is(err, connectors.ErrPartial) {
		t.Fatalf("err = %v, want ErrPartial", err)
	}
	if !strings.Contains(err.Error(), "re-run after 20") {
		t.Errorf("error %q does not say when to resume", err)
	}
	if cur, _, _ := st.Cursor(context.Background(), "gh", "acme/api:pulls"); !strings.Contains(cur, "|") {
		t.Errorf("pulls cursor %q: want an unfinished range saved", cur)
	}
	var status string
	st.DB().QueryRow(`SELECT last_status FROM sources`).Scan(&status)
	if status != "partial" {
		t.Errorf("last_status = %q, want partial", status)
	}
	srv.SetBudget(0, time.Hour) // the window turned
	srv.ResetCounters()
	if _, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests("/repos/acme/api/pulls/1/reviews") + srv.Requests("/repos/acme/api/pulls/150/reviews"); got != 1 {
		t.Errorf("resumed run asked the reviews of PRs 1 and 150 %d times, want once (only the one not done)", got)
	}
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("resumed sync differs from an uninterrupted one (-want +got):\n%s", diff)
	}
}

func TestPrimaryLimitWaitsForReset(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 30, seed: 6})
	want := reference(t, dir, "acme/api")
	srv := startServer(t, dir, githubtest.Options{Limit: 25, Window: 2 * time.Second})
	st := openStore(t, "")
	start := time.Now()
	if _, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, "acme/api"), st, connectors.Options{MaxWait: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	t.Logf("waited through the reset: %s, %d requests", time.Since(start).Round(time.Millisecond), srv.Total())
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSecondaryLimit(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 5, seed: 7})
	want := reference(t, dir, "acme/api")
	for _, status := range []int{429, 403} {
		t.Run(statusName(status), func(t *testing.T) {
			path := "/repos/acme/api/issues/events"
			srv := startServer(t, dir, githubtest.Options{Faults: []githubtest.Fault{{Path: path, Nth: 1, Status: status, RetryAfter: "1"}}})
			st := openStore(t, "")
			start := time.Now()
			if _, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, "acme/api"), st, connectors.Options{}); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < time.Second {
				t.Errorf("sync took %s: Retry-After 1 not honoured", d)
			}
			if n := srv.Requests(path); n != 2 {
				t.Errorf("%s requested %d times, want 2", path, n)
			}
			if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("beyond max wait", func(t *testing.T) {
		srv := startServer(t, dir, githubtest.Options{Faults: []githubtest.Fault{{Path: "/repos/acme/api/pulls", Nth: 1, Status: 403, RetryAfter: "3600"}}})
		_, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, "acme/api"), openStore(t, ""), connectors.Options{MaxWait: time.Second})
		if !errors.Is(err, connectors.ErrPartial) || !strings.Contains(err.Error(), "secondary") {
			t.Errorf("err = %v, want ErrPartial naming the secondary limit", err)
		}
	})
}

func statusName(s int) string {
	if s == 429 {
		return "429"
	}
	return "403"
}
