package github

import (
	"context"
	"fmt"
	"net/url"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// batchRows is how many rows of cheap listings (one request a page) are
// gathered into one transaction: fewer, larger transactions write much
// faster, and an interruption loses at most a few pages, never consistency.
const batchRows = 5000

// sinceListing syncs a repository-wide listing that takes `since` and sorts
// by update time, oldest first (issues, issue comments, review comments):
// every page moves the cursor to the newest update it held. Each page
// restarts the listing from its last update (keyset paging): paging by
// number alone, an entry updated mid-sync moves to the end and the entry
// behind the page boundary slides back onto a page already read, below the
// cursor for good. Entries of that second are read twice, which is harmless;
// a page all of one second goes on by number.
func sinceListing[T any](ctx context.Context, r *run, repo, name, path string,
	updated func(T) time.Time, rows func(*page, T)) error {
	scope := repo + ":" + name
	raw, etag, err := r.cursorIn(ctx, scope)
	if err != nil {
		return err
	}
	done, _ := time.Parse(time.RFC3339Nano, raw)
	since := r.since(done)
	newest, firstEtag := done, ""
	p := r.newPage()
	for pg, first := 1, true; pg > 0; first = false {
		var list []T
		u := fmt.Sprintf("repos/%s/%s?%s&page=%d", repo, path, listingQuery(name, since), pg)
		tag := ""
		if first {
			tag = etag
		}
		resp, notModified, err := r.get(ctx, u, tag, &list)
		if err != nil || notModified {
			return err
		}
		if first {
			firstEtag = resp.Header.Get("ETag")
		}
		for _, v := range list {
			newest = latest(newest, updated(v))
			rows(p, v)
		}
		pg = resp.NextPage
		if n := len(list); pg != 0 && n > 0 {
			if last := updated(list[n-1]).Truncate(time.Second); last.After(since) {
				since, pg = last, 1
			}
		}
		if pg != 0 && len(p.rows) < batchRows {
			continue
		}
		// The ETag belongs to this run's first URL; the next run asks the
		// same URL only if the cursor did not move.
		tag = ""
		if pg == 0 && newest.Equal(done) {
			tag = firstEtag
		}
		if err := r.commit(ctx, p, cursor{scope: scope, value: stamp(newest), etag: tag}); err != nil {
			return err
		}
		p = r.newPage()
	}
	return nil
}

// listingQuery is the query of a since listing, oldest update first.
func listingQuery(name string, since time.Time) string {
	q := "sort=updated&direction=asc&per_page=100"
	if name == "issues" {
		q = "state=all&" + q
	}
	if !since.IsZero() {
		q += "&since=" + url.QueryEscape(since.UTC().Format(time.RFC3339))
	}
	return q
}

func updatedAt(t *gh.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}
