package jira

import (
	"context"
	"fmt"
	"time"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/internal/store"
)

// maxBatch bounds how many parsed pages one transaction takes.
const maxBatch = 8

// nextBatch waits for a page, then takes the pages already parsed behind it:
// when the store is the bottleneck, several complete pages share one
// transaction (and its fixed merge cost) with the cursor of the last. An
// error behind parsed pages comes back with them, to be reported after they
// are written.
func nextBatch(pages <-chan fetched) ([]fetched, error) {
	f, ok := <-pages
	if !ok {
		return nil, nil
	}
	if f.err != nil {
		return nil, f.err
	}
	batch := []fetched{f}
	for len(batch) < maxBatch {
		select {
		case f, ok := <-pages:
			if !ok {
				return batch, nil
			}
			if f.err != nil {
				return batch, f.err
			}
			batch = append(batch, f)
		default:
			return batch, nil
		}
	}
	return batch, nil
}

// fetched is one parsed search page, or the error that ended the search.
type fetched struct {
	p   *page
	n   int
	err error
}

// maxHeld bounds how many search pages wait for one bulk changelog call:
// their truncated issues stay within bulkMaxIssues, and so does memory.
const maxHeld = bulkMaxIssues / pageSize

// fetch reads and parses search pages ahead of the writer, so HTTP and JSON
// work overlap the store's. Pages with truncated changelogs are held (up
// to maxHeld, at most bulkMaxIssues truncated issues) so one changelog
// call completes them together; pages are sent only complete, in order.
// The channel closes after the last page or the first error.
func (r *run) fetch(ctx context.Context, pg *pager, progress *connectors.Progress) <-chan fetched {
	out := make(chan fetched, maxBatch)
	go func() {
		defer close(out)
		h := &holder{r: r, out: out}
		for n := 1; ; n++ {
			sp, err := pg.next(ctx)
			if err != nil {
				// The pages read before the failure are still stored.
				if h.flush(ctx) {
					h.send(ctx, fetched{err: fmt.Errorf("search page %d: %w", n, err)})
				}
				return
			}
			if sp == nil {
				h.flush(ctx)
				return
			}
			if !r.cloud && n == 1 { // later pages count from a later start
				progress.SetTotal(sp.total())
			}
			if !h.add(ctx, sp, n) {
				return
			}
		}
	}()
	return out
}

// holder keeps search pages until their changelogs are completed.
type holder struct {
	r         *run
	out       chan<- fetched
	pages     []*searchPage
	nums      []int
	truncated int
}

// add holds sp, first flushing what is held when sp would take the batch
// past its bounds; a batch without truncated changelogs goes at once.
func (h *holder) add(ctx context.Context, sp *searchPage, n int) bool {
	t := countTruncated(sp)
	if len(h.pages) > 0 && (h.truncated+t > bulkMaxIssues || len(h.pages) >= maxHeld) {
		if !h.flush(ctx) {
			return false
		}
	}
	h.pages, h.nums, h.truncated = append(h.pages, sp), append(h.nums, n), h.truncated+t
	if h.truncated == 0 || !h.r.cloud || h.r.noBulk || len(h.pages) >= maxHeld {
		return h.flush(ctx)
	}
	return true
}

// flush completes the held pages' changelogs, converts and sends them; it
// reports whether the fetcher should go on.
func (h *holder) flush(ctx context.Context) bool {
	if len(h.pages) == 0 {
		return true
	}
	pages, nums := h.pages, h.nums
	h.pages, h.nums, h.truncated = nil, nil, 0
	name := h.r.s.cfg.Name
	if err := h.r.completeChangelogs(ctx, pages); err != nil {
		return h.send(ctx, fetched{err: fmt.Errorf("jira %s: search pages %d-%d: %w", name, nums[0], nums[len(nums)-1], err)})
	}
	for i, sp := range pages {
		p, err := h.r.parse(sp)
		if err != nil {
			err = fmt.Errorf("jira %s: search page %d: %w", name, nums[i], err)
		}
		if !h.send(ctx, fetched{p: p, n: nums[i], err: err}) {
			return false
		}
	}
	return true
}

func (h *holder) send(ctx context.Context, f fetched) bool {
	select {
	case h.out <- f:
		return f.err == nil
	case <-ctx.Done():
		return false
	}
}

func (r *run) writePages(ctx context.Context, batch []fetched, cursor time.Time) error {
	err := r.write(ctx, func(tx *store.Tx) error {
		for _, f := range batch {
			if err := r.putPage(tx, f.p); err != nil {
				return err
			}
		}
		if cursor.IsZero() {
			return nil
		}
		return tx.SetCursor(r.s.cfg.Name, cursorScope, cursor.UTC().Format(time.RFC3339Nano), "")
	})
	if err == nil {
		for _, f := range batch {
			r.count(f.p)
		}
	}
	return err
}

// count records a stored page in the run's stats: distinct items (an issue
// stored twice in one run, as overlapping pages can, counts once, with the
// events of its last copy, which replaced the first).
func (r *run) count(p *page) {
	perItem := map[string]int{}
	for _, e := range p.events {
		perItem[e.ItemID]++
	}
	for _, it := range p.items {
		if _, again := r.stored[it.ItemID]; again {
			r.rewritten++
		}
		r.stored[it.ItemID] = perItem[it.ItemID]
	}
	r.stats.Items, r.stats.Events = len(r.stored), 0
	for _, n := range r.stored {
		r.stats.Events += n
	}
}

func (r *run) putPage(tx *store.Tx, p *page) error {
	if err := putAll(tx, p.items); err != nil {
		return err
	}
	if err := putAll(tx, p.events); err != nil {
		return err
	}
	if err := putAll(tx, changedIdentities(r.known, p.identities)); err != nil {
		return err
	}
	if err := putAll(tx, r.newSprints(p.sprints)); err != nil {
		return err
	}
	if err := putAll(tx, p.sprintItems); err != nil {
		return err
	}
	return putAll(tx, p.links)
}

// newSprints drops the sprint rows (from issues' Sprint field) this run has
// already written unchanged.
func (r *run) newSprints(m map[string]store.Sprint) []store.Sprint {
	var out []store.Sprint
	for _, sp := range sortedValues(m) {
		if old, ok := r.sprintsSeen[sp.SprintID]; ok && sameSprint(old, sp) {
			continue
		}
		r.sprintsSeen[sp.SprintID] = sp
		out = append(out, sp)
	}
	return out
}

func sameSprint(a, b store.Sprint) bool {
	eq := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	return a.BoardID == b.BoardID && a.Name == b.Name && a.State == b.State && a.Goal == b.Goal &&
		eq(a.StartAt, b.StartAt) && eq(a.EndAt, b.EndAt) && eq(a.CompleteAt, b.CompleteAt)
}
