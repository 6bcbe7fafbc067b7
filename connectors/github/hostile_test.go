package github

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
)

func TestMain(m *testing.M) {
	retryBase = time.Millisecond // malformed replies are retried without the real pause
	os.Exit(m.Run())
}

var mangleModes = []string{githubtest.MangleEmpty, githubtest.MangleHTML, githubtest.MangleTruncated,
	githubtest.MangleNulls, githubtest.MangleTypes, githubtest.MangleDates}

// mangledPaths are endpoints whose page, mangled, used to be read as "no
// more items" or to abort the source.
var mangledPaths = []string{"/repos/acme/api/pulls", "/repos/acme/api/pulls/3/reviews", "/repos/acme/api/issues/events",
	"/repos/acme/api/issues", "/repos/acme/api/issues/comments", "/repos/acme/api/pulls/comments"}

// TestMangledOnceIsRetried: one malformed 200 on any listing is retried and
// the sync ends with the same data as a clean one.
func TestMangledOnceIsRetried(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 30, maxReviews: 3, seed: 21})
	want := reference(t, dir, "acme/api")
	for i, mode := range mangleModes {
		// Each mode on two endpoints, each endpoint with two modes.
		for _, path := range []string{mangledPaths[i], mangledPaths[(i+3)%len(mangledPaths)]} {
			t.Run(mode+path, func(t *testing.T) {
				srv := startServer(t, dir, githubtest.Options{Faults: []githubtest.Fault{{Path: path, Nth: 1, Mangle: mode}}})
				st := openStore(t, "")
				if _, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, "acme/api"), st, connectors.Options{}); err != nil {
					t.Fatalf("one %s reply on %s: %v", mode, path, err)
				}
				if srv.Requests(path) < 2 {
					t.Errorf("%s asked %d times; the mangled reply was not retried", path, srv.Requests(path))
				}
				if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
					t.Errorf("differs from a clean sync (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestMangledAlwaysFailsThenRepairs: a listing that keeps answering
// malformed pages fails the source with a message naming the source, the
// endpoint and the fault; no cursor moves past the missing page, so the
// next incremental sync (fault gone) ends equal to a clean sync.
func TestMangledAlwaysFailsThenRepairs(t *testing.T) {
	dir := generate(t, genOptions{repos: []string{"acme/api"}, prs: 250, maxReviews: 3, seed: 22})
	want := reference(t, dir, "acme/api")
	// from is the first request of the path that breaks: the later pages of
	// multi-page listings, so earlier pages are stored before the failure.
	cases := []struct {
		mode, path, says string
		from             int
	}{
		{githubtest.MangleEmpty, "/repos/acme/api/issues/events", "empty body", 2},
		{githubtest.MangleHTML, "/repos/acme/api/pulls/7/reviews", "HTML page with status 200; a proxy in between?", 1},
		{githubtest.MangleTruncated, "/repos/acme/api/pulls", "not valid JSON", 2},
		{githubtest.MangleNulls, "/repos/acme/api/issues", "missing", 2},
		{githubtest.MangleTypes, "/repos/acme/api/issues/comments", "unexpected shape", 1},
		{githubtest.MangleDates, "/repos/acme/api/pulls/comments", "unexpected shape", 1},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			srv := startServer(t, dir, githubtest.Options{})
			for i := c.from; i < c.from+malformedTries; i++ {
				srv.AddFault(githubtest.Fault{Path: c.path, Nth: i, Mangle: c.mode})
			}
			st := openStore(t, "")
			cfg := sourceConfig(srv.URL, "acme/api")
			_, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{})
			if err == nil {
				t.Fatalf("sync succeeded though %s kept answering %s", c.path, c.mode)
			}
			if errors.Is(err, connectors.ErrPartial) {
				t.Errorf("err %v claims a clean partial stop", err)
			}
			for _, s := range []string{"github source gh", strings.TrimPrefix(c.path, "/"), c.says} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			srv.ClearFaults()
			if _, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
				t.Errorf("incremental sync after the failure did not repair the store (-want +got):\n%s", diff)
			}
		})
	}
}
