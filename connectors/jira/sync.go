package jira

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/internal/store"
)

// cursorScope is the sync_state scope of the issue cursor: the largest
// `updated` stored, RFC 3339 in UTC.
const cursorScope = "issues"

// defaultOverlap re-reads the last hour before the cursor: JQL dates have
// minute precision and clocks drift.
const defaultOverlap = time.Hour

// Sync fetches the issues updated since the cursor (all with opts.Full),
// page by page, then the boards' sprints, then recomputes link history and
// sprint commitment over what is stored, and records the source's status.
func (s *Source) Sync(ctx context.Context, st *store.Store, opts connectors.Options) (connectors.Stats, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a, err := newAPI(s.cfg, opts)
	if err != nil {
		return connectors.Stats{}, err
	}
	r := &run{s: s, st: st, a: a, opts: opts, log: opts.Logger, sprintsSeen: map[string]store.Sprint{}, stored: map[string]int{}}
	err = r.sync(ctx)
	r.stats.Requests = int(a.requests.Load())
	if werr := s.writeSource(ctx, st, opts.Now(), err); werr != nil && err == nil {
		err = werr
	}
	return r.stats, err
}

// run is the state of one sync.
type run struct {
	s     *Source
	st    *store.Store
	a     *api
	opts  connectors.Options
	log   *slog.Logger
	conv  *converter
	cloud bool
	// noBulk is set once changelog/bulkfetch answered 404.
	noBulk bool
	loc    *time.Location
	known  map[string]store.Identity // stored identities, kept up to date
	// sprintsSeen are the sprint rows written from issues in this run.
	sprintsSeen map[string]store.Sprint
	stats       connectors.Stats
	stored      map[string]int // item id -> events, of the items stored this run
	rewritten   int            // issues stored again in this run (read on two pages)
}

func (r *run) sync(ctx context.Context) error {
	if err := r.detect(ctx); err != nil {
		return err
	}
	fields, err := r.s.discoverFields(ctx, r.a)
	if err != nil {
		return err
	}
	statusRows, cats, err := r.s.statuses(ctx, r.a)
	if err != nil {
		return err
	}
	if r.known, err = loadIdentities(ctx, r.st, r.s.cfg.Name); err != nil {
		return err
	}
	r.conv = &converter{src: r.s.cfg.Name, baseURL: strings.TrimRight(r.s.cfg.URL, "/"), fields: fields, statuses: cats, log: r.log,
		decoder: newFieldsDecoder(append(append([]string(nil), fields.StoryPoints...), fields.Sprint, fields.EpicLink, fields.Flagged))}
	if err := r.write(ctx, func(tx *store.Tx) error { return putAll(tx, statusRows) }); err != nil {
		return err
	}
	if err := r.issues(ctx, fields); err != nil {
		return err
	}
	if err := r.sprints(ctx); err != nil {
		return err
	}
	return r.finish(ctx)
}

// detect settles Cloud or Data Center (from the config, else serverInfo)
// and the time zone JQL dates are read in.
func (r *run) detect(ctx context.Context) error {
	switch strings.ToLower(r.s.cfg.Deployment) {
	case "cloud":
		r.cloud = true
	case "datacenter", "server":
	default:
		var info serverInfo
		if err := r.a.call(ctx, "GET", "rest/api/2/serverInfo", nil, nil, &info); err != nil {
			return err
		}
		r.cloud = strings.EqualFold(info.DeploymentType, "Cloud")
		r.log.Debug("jira deployment", "cloud", r.cloud, "type", info.DeploymentType)
	}
	return r.detectZone(ctx)
}

// detectZone reads the account's time zone from /myself: JQL reads dates in
// the user's profile zone (on Cloud never the server's), and a zone behind
// UTC by more than the overlap would otherwise skip the updates in between.
// When the zone cannot be read, r.loc stays nil and jql widens the window
// by the largest offset behind UTC instead.
func (r *run) detectZone(ctx context.Context) error {
	r.loc = nil
	var me struct {
		TimeZone string `json:"timeZone"`
	}
	err := r.a.call(ctx, "GET", "rest/api/2/myself", nil, nil, &me)
	switch {
	case err != nil && (ctx.Err() != nil || errors.Is(err, connectors.ErrPartial)):
		return err
	case err != nil:
		r.log.Warn("jira user time zone unknown; searching 12 hours further back", "err", err)
		return nil
	}
	loc, lerr := time.LoadLocation(me.TimeZone)
	if me.TimeZone == "" || lerr != nil {
		r.log.Warn("jira user time zone unknown; searching 12 hours further back", "zone", me.TimeZone)
		return nil
	}
	r.loc = loc
	return nil
}

// since is where this run starts: the cursor minus the overlap, or the
// configured since date, or the beginning.
func (r *run) since(ctx context.Context) (time.Time, time.Time, error) {
	var cursor time.Time
	if !r.opts.Full {
		c, _, err := r.st.Cursor(ctx, r.s.cfg.Name, cursorScope)
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		if c != "" {
			if cursor, err = time.Parse(time.RFC3339Nano, c); err != nil {
				return time.Time{}, time.Time{}, fmt.Errorf("jira %s: stored cursor %q: %w (run with --full)", r.s.cfg.Name, c, err)
			}
		}
	}
	if cursor.IsZero() {
		return r.s.cfg.Since.Time, cursor, nil
	}
	overlap := r.s.cfg.Overlap.D()
	if overlap <= 0 {
		overlap = defaultOverlap
	}
	from := cursor.Add(-overlap)
	if from.Before(r.s.cfg.Since.Time) {
		from = r.s.cfg.Since.Time
	}
	return from, cursor, nil
}

// issues pages through the search, writing each page with the cursor.
func (r *run) issues(ctx context.Context, fields fieldIDs) error {
	from, cursor, err := r.since(ctx)
	if err != nil {
		return err
	}
	jql := r.s.jql(from, r.loc)
	progress := connectors.NewProgress(os.Stderr, r.opts.Progress, r.log, "jira "+r.s.cfg.Name)
	defer progress.Finish()
	if r.cloud && r.opts.Progress { // only a drawn bar needs the total: a request saved otherwise
		if n, err := approximateCount(ctx, r.a, jql); err == nil {
			progress.SetTotal(n)
		} else if ctx.Err() != nil {
			return ctx.Err()
		} else {
			r.log.Debug("jira approximate count unavailable", "err", err)
		}
	}
	r.log.Info("jira search", "jql", jql, "cloud", r.cloud)
	fetchCtx, stop := context.WithCancel(ctx)
	pager := r.s.newPager(r.a, r.cloud, from, r.loc, fields, r.conv.decoder)
	pages := r.fetch(fetchCtx, pager, progress)
	defer func() {
		r.log.Info("jira issues stored", "items", r.stats.Items, "events", r.stats.Events,
			"dropped_reread", pager.reread, "stored_twice", r.rewritten)
	}()
	// On a write error the fetcher may be mid-request: stop it and wait for
	// it to close the channel, so no goroutine outlives Sync.
	defer func() {
		stop()
		for range pages {
		}
	}()
	for {
		batch, ferr := nextBatch(pages)
		if len(batch) == 0 {
			if ferr == nil {
				ferr = ctx.Err()
			}
			return ferr
		}
		for _, f := range batch {
			if f.p.maxUpdated.After(cursor) {
				cursor = f.p.maxUpdated
			}
		}
		if err := r.writePages(ctx, batch, cursor); err != nil {
			return fmt.Errorf("jira %s: search pages %d-%d: %w", r.s.cfg.Name, batch[0].n, batch[len(batch)-1].n, err)
		}
		for _, f := range batch {
			progress.Add(len(f.p.items))
		}
		if ferr != nil {
			return ferr
		}
	}
}

// parse converts a search page, its changelogs complete, into rows.
func (r *run) parse(sp *searchPage) (*page, error) {
	p := newPage()
	for i := range sp.Issues {
		if err := r.conv.add(p, &sp.Issues[i]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sprints reads the boards' sprints; an instance without the agile API
// (Jira without Software) only logs a warning.
func (r *run) sprints(ctx context.Context) error {
	projects := r.s.cfg.Projects
	if len(projects) == 0 && len(r.s.cfg.Boards) == 0 {
		var err error
		if projects, err = storedProjects(ctx, r.st, r.s.cfg.Name); err != nil {
			return err
		}
	}
	now := r.opts.Now()
	boards, listed, err := r.s.boards(ctx, r.st, r.a, projects, r.opts.Full, now)
	var rows []store.Sprint
	if err == nil {
		rows, err = r.s.boardsAndSprints(ctx, r.a, r.conv, boards)
	}
	var nf *notFoundError
	switch {
	case errors.As(err, &nf):
		// Jira without Software has no agile API: nothing to lose.
		r.log.Warn("jira sprints skipped: the agile API is not there (Jira Software missing, or a board gone)", "err", err)
		return nil
	case err != nil:
		return err // names the source and the board's endpoint
	}
	if err := keepStoredDates(ctx, r.st.DB(), r.conv, rows); err != nil {
		return fmt.Errorf("jira %s: %w", r.s.cfg.Name, err)
	}
	return r.write(ctx, func(tx *store.Tx) error {
		if err := putAll(tx, rows); err != nil {
			return err
		}
		if !listed {
			return nil
		}
		return tx.SetCursor(r.s.cfg.Name, boardScope, boardCursor(boards, projects), now.UTC().Format(time.RFC3339))
	})
}

// finish recomputes link history and sprint commitment over the source.
func (r *run) finish(ctx context.Context) error {
	links, err := linkHistory(ctx, r.st, r.s.cfg.Name)
	if err != nil {
		return fmt.Errorf("jira %s: %w", r.s.cfg.Name, err)
	}
	return r.write(ctx, func(tx *store.Tx) error {
		if err := putAll(tx, links); err != nil {
			return err
		}
		if _, err := tx.Exec(sprintCommitment, r.s.cfg.Name); err != nil {
			return fmt.Errorf("sprint commitment: %w", err)
		}
		return nil
	})
}

// write runs fn in one store transaction. A cancellation is honoured
// before the transaction starts, not inside it: cancelling mid-way made
// database/sql roll back under a running statement, which could hand a
// connection still in an aborted transaction back to the pool.
func (r *run) write(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := r.st.Begin(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func storedProjects(ctx context.Context, st *store.Store, src string) ([]string, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT DISTINCT container FROM items WHERE source = ? AND container IS NOT NULL ORDER BY 1`, src)
	if err != nil {
		return nil, fmt.Errorf("jira %s: projects: %w", src, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// writeSource records how the sync ended. It runs even when ctx was
// cancelled, so an interrupted sync is visible as failed.
func (s *Source) writeSource(ctx context.Context, st *store.Store, now time.Time, syncErr error) error {
	row := store.Source{Name: s.cfg.Name, Kind: "jira", URL: redactURL(s.cfg.URL), LastSyncAt: &now, LastStatus: "ok"}
	switch {
	case errors.Is(syncErr, connectors.ErrPartial):
		row.LastStatus, row.LastError = "partial", syncErr.Error()
	case syncErr != nil:
		row.LastStatus, row.LastError = "failed", syncErr.Error()
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	tx, err := st.Begin(wctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.Put(row); err != nil {
		return err
	}
	return tx.Commit()
}

// redactURL hides a password written into the URL, which must not reach
// the database.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Redacted()
}

func putAll[T store.Row](tx *store.Tx, rows []T) error {
	for _, r := range rows {
		if err := tx.Put(r); err != nil {
			return err
		}
	}
	return nil
}

func sortedValues[T any](m map[string]T) []T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}
