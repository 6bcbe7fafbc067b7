package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/internal/store"
)

// defaultMaxWait applies when Options.MaxWait is not set.
const defaultMaxWait = 15 * time.Minute

// run is the state of one Sync call, shared by its repository workers.
type run struct {
	src      *Source
	st       *store.Store
	opts     connectors.Options
	client   *gh.Client
	progress *connectors.Progress
	requests atomic.Int64
	started  time.Time // when the run began, by Options.Now
	graphql  bool      // pull requests come through GraphQL
	gql      *gqlClient

	mu     sync.Mutex
	stored map[string]bool // item and event ids written by this run, for Stats
	items  int
	events int
}

// Sync implements connectors.Source.
func (s *Source) Sync(ctx context.Context, st *store.Store, opts connectors.Options) (connectors.Stats, error) {
	r, err := s.newRun(st, opts)
	if err != nil {
		return connectors.Stats{}, err
	}
	err = r.sync(ctx)
	r.progress.Finish()
	if werr := r.writeSource(ctx, err); werr != nil && err == nil {
		err = werr
	}
	r.mu.Lock()
	stats := connectors.Stats{Requests: int(r.requests.Load()), Items: r.items, Events: r.events}
	if r.gql != nil {
		stats.Requests += int(r.gql.queries.Load())
		opts.Logger.Info("github graphql", "queries", r.gql.queries.Load(), "points", r.gql.points.Load())
	}
	r.mu.Unlock()
	return stats, err
}

func (s *Source) newRun(st *store.Store, opts connectors.Options) (*run, error) {
	if opts.Logger == nil {
		opts.Logger = discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = defaultMaxWait
	}
	r := &run{src: s, st: st, opts: opts, started: opts.Now(), stored: map[string]bool{}}
	base := connectors.NewHTTPClient(opts.Logger, connectors.RetryPolicy{
		MaxWait:   min(opts.MaxWait, 2*time.Minute), // longer Retry-Afters come back to the limiter
		OnAttempt: func(*http.Request) { r.requests.Add(1) },
	})
	c, err := s.client(newLimiter(base.Transport, opts.MaxWait, opts.Logger))
	if err != nil {
		return nil, err
	}
	r.client = c
	if s.cfg.API != "rest" {
		r.gql = s.newGQL(opts)
		r.graphql = true
	}
	r.progress = connectors.NewProgress(os.Stderr, opts.Progress, opts.Logger, "github "+s.cfg.Name+" pull requests")
	return r, nil
}

// sync lists the repositories and syncs them with bounded concurrency. A
// hard error stops the other workers and is the one returned; ErrPartial
// lets the others run on (they stop at the same limit on their own).
func (r *run) sync(ctx context.Context) error {
	repos, err := r.repos(ctx)
	if err != nil {
		return err
	}
	if err := r.probeGraphQL(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu            sync.Mutex
		hard, partial error
		wg            sync.WaitGroup
	)
	jobs := make(chan string)
	for range min(r.src.workers, len(repos)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for repo := range jobs {
				err := r.syncRepo(ctx, repo)
				mu.Lock()
				switch {
				case err == nil:
				case errors.Is(err, connectors.ErrPartial):
					partial = cmp.Or(partial, err)
				default:
					hard = cmp.Or(hard, err)
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, repo := range repos {
		select {
		case jobs <- repo:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if hard != nil {
		return hard
	}
	if partial != nil {
		return partial
	}
	return ctx.Err()
}

// writeSource records the sync's outcome in the sources table.
func (r *run) writeSource(ctx context.Context, syncErr error) error {
	now := r.opts.Now().UTC()
	row := store.Source{Name: r.src.cfg.Name, Kind: "github", URL: r.src.cfg.URL, LastSyncAt: &now, LastStatus: "ok"}
	switch {
	case errors.Is(syncErr, connectors.ErrPartial):
		row.LastStatus, row.LastError = "partial", syncErr.Error()
	case syncErr != nil:
		row.LastStatus, row.LastError = "failed", syncErr.Error()
	}
	tx, err := r.st.Begin(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("github source %s: %w", r.src.cfg.Name, err)
	}
	defer tx.Rollback()
	if err := tx.Put(row); err != nil {
		return fmt.Errorf("github source %s: %w", r.src.cfg.Name, err)
	}
	return tx.Commit()
}

// syncRepo runs every listing of one repository, each with its own cursor.
func (r *run) syncRepo(ctx context.Context, repo string) error {
	// Issues come before issue events, so an event can be checked against
	// the items it belongs to (see eventRows).
	steps := []func(context.Context, string) error{r.syncPulls, r.syncIssues, r.syncEvents, r.syncComments, r.syncReviewComments}
	for _, step := range steps {
		if err := step(ctx, repo); err != nil {
			return err
		}
	}
	return r.settle(ctx, repo)
}

// get fetches one API page into v, validated (decodePage). A 304 (the ETag
// matched) returns notModified and costs no rate limit. A malformed 2xx is
// retried with backoff like a 5xx; after malformedTries it fails the source
// with what was wrong, so no cursor moves past the page.
func (r *run) get(ctx context.Context, u, etag string, v any) (resp *gh.Response, notModified bool, err error) {
	for try := 1; ; try++ {
		resp, notModified, err = r.getOnce(ctx, u, etag, v)
		var bad *malformedError
		if !errors.As(err, &bad) {
			return resp, notModified, err
		}
		if try >= malformedTries {
			return nil, false, fmt.Errorf("github source %s: GET %s: %s (%d tries)", r.src.cfg.Name, pathOf(u), bad.what, try)
		}
		r.opts.Logger.Warn("github: malformed reply; retrying", "path", pathOf(u), "problem", bad.what, "attempt", try+1)
		if err := sleep(ctx, backoff(try)); err != nil {
			return nil, false, err
		}
	}
}

// malformedTries and retryBase bound the retries of malformed replies
// (retryBase is shortened by tests).
const malformedTries = 5

var retryBase = 500 * time.Millisecond

// backoff is the pause after try n: retryBase doubled each try, capped at 30s.
func backoff(n int) time.Duration {
	return min(retryBase<<min(n-1, 10), 30*time.Second)
}

func (r *run) getOnce(ctx context.Context, u, etag string, v any) (*gh.Response, bool, error) {
	req, err := r.client.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, false, fmt.Errorf("github source %s: %s: %w", r.src.cfg.Name, u, err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := r.client.BareDo(ctx, req)
	if resp != nil && resp.StatusCode == http.StatusNotModified {
		resp.Body.Close()
		return resp, true, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, false, r.src.describe(err, "GET "+pathOf(u))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, false, fmt.Errorf("github source %s: GET %s: reading the reply: %w", r.src.cfg.Name, pathOf(u), err)
	}
	if err := decodePage(resp.StatusCode, body, v); err != nil {
		return nil, false, err
	}
	return resp, false, nil
}

// pathOf drops the query from an API path for messages.
func pathOf(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// cursorIn reads a scope's cursor and ETag, or nothing with Options.Full.
func (r *run) cursorIn(ctx context.Context, scope string) (string, string, error) {
	if r.opts.Full {
		return "", "", nil
	}
	c, e, err := r.st.Cursor(ctx, r.src.cfg.Name, scope)
	if err != nil {
		return "", "", fmt.Errorf("github source %s: %w", r.src.cfg.Name, err)
	}
	return c, e, nil
}

// since is the lower bound of a listing: the cursor minus the overlap, but
// never before the configured since date.
func (r *run) since(cursor time.Time) time.Time {
	t := r.src.cfg.Since.Time
	if !cursor.IsZero() && cursor.Add(-r.src.overlap).After(t) {
		t = cursor.Add(-r.src.overlap)
	}
	return t
}

var discard = slog.New(slog.DiscardHandler)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
