package github

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/internal/store"
)

// page collects the rows parsed from one API page, so they can be written
// with the page's cursor in one short transaction.
type page struct {
	source string
	rows   []store.Row
	users  map[string]store.Identity
	ids    []string // item and event ids of the rows, for Stats
	fix    string   // repository whose derived columns to recompute ("" = none)
}

func (r *run) newPage() *page {
	return &page{source: r.src.cfg.Name, users: map[string]store.Identity{}}
}

// user records an account as an identity and returns its identity id.
func (p *page) user(u *gh.User) string {
	if u == nil || u.GetID() == 0 {
		return ""
	}
	id := strconv.FormatInt(u.GetID(), 10)
	login := u.GetLogin()
	p.users[id] = store.Identity{Source: p.source, ExternalID: id, Login: login, DisplayName: u.GetName(),
		Email: u.GetEmail(), IsBot: u.GetType() == "Bot" || strings.HasSuffix(login, "[bot]")}
	return store.IdentityID(p.source, id)
}

func (p *page) put(rows ...store.Row) {
	for _, row := range rows {
		switch v := row.(type) {
		case store.Item:
			p.ids = append(p.ids, "i:"+v.ItemID)
		case store.Event:
			p.ids = append(p.ids, "e:"+v.EventID)
		}
	}
	p.rows = append(p.rows, rows...)
}

// cursor is a sync_state value to write with a page.
type cursor struct {
	scope, value, etag string
}

// commit writes a page's rows, recomputes derived columns when asked and
// sets the cursor, all in one transaction.
//
// A page fetched whole is written even when the sync is being cancelled
// (another worker failed, Ctrl-C): it is consistent, and a commit cut off
// midway would only waste it.
func (r *run) commit(ctx context.Context, p *page, curs ...cursor) error {
	tx, err := r.st.Begin(context.WithoutCancel(ctx))
	if err != nil {
		return r.storeErr(err)
	}
	defer tx.Rollback()
	for _, id := range sortedKeys(p.users) {
		if err := tx.Put(p.users[id]); err != nil {
			return r.storeErr(err)
		}
	}
	for _, row := range p.rows {
		if err := tx.Put(row); err != nil {
			return r.storeErr(err)
		}
	}
	if p.fix != "" {
		if err := r.fixDerived(tx, p.fix); err != nil {
			return r.storeErr(err)
		}
	}
	for _, cur := range curs {
		if err := tx.SetCursor(r.src.cfg.Name, cur.scope, cur.value, cur.etag); err != nil {
			return r.storeErr(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return r.storeErr(err)
	}
	r.count(p.ids)
	return nil
}

// count adds the ids of a committed page to the run's Stats: an item or
// event written twice (overlap, keyset re-reads) counts once.
func (r *run) count(ids []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if r.stored[id] {
			continue
		}
		r.stored[id] = true
		if id[0] == 'i' {
			r.items++
		} else {
			r.events++
		}
	}
}

func (r *run) storeErr(err error) error {
	return fmt.Errorf("github source %s: store: %w", r.src.cfg.Name, err)
}

// derivedScope marks a repository whose derived columns are stale: set
// with every page of pull requests (their rows reset ready_at and
// merged_by_id), cleared by the transaction that recomputes them.
func derivedScope(repo string) string { return repo + ":derived" }

// settle recomputes the derived columns of repo if a page left them stale
// (this run or an interrupted one) and nothing has recomputed them since.
func (r *run) settle(ctx context.Context, repo string) error {
	mark, _, err := r.st.Cursor(ctx, r.src.cfg.Name, derivedScope(repo))
	if err != nil {
		return r.storeErr(err)
	}
	if mark == "" {
		return nil
	}
	p := r.newPage()
	p.fix = repo
	return r.commit(ctx, p, cursor{scope: derivedScope(repo)})
}

// fixDerived recomputes, for one repository, what only the events know:
// pull_requests.ready_at (first ready_for_review of a PR opened as draft,
// else its creation; NULL while still a draft never made ready),
// merged_by_id from the merged event when the listing lacked merged_by, and
// review_requests.removed_at (a removal closes the latest earlier request of
// the same reviewer). Being a pure function of the stored rows, it gives the
// same result whatever order pages arrived in.
func (r *run) fixDerived(tx *store.Tx, repo string) error {
	prefix := r.src.cfg.Name + ":" + repo + "#"
	if _, err := tx.Exec(fixPullsSQL, prefix); err != nil {
		return fmt.Errorf("derive ready_at and merged_by of %s: %w", repo, err)
	}
	if _, err := tx.Exec(fixRequestsSQL, prefix); err != nil {
		return fmt.Errorf("derive review request removals of %s: %w", repo, err)
	}
	return nil
}

const fixPullsSQL = `
UPDATE pull_requests SET ready_at = d.ready_at, merged_by_id = coalesce(pull_requests.merged_by_id, d.merger)
FROM (
	SELECT p.item_id, e.merger,
		CASE e.first_kind
			WHEN 'ready_for_review' THEN e.first_ready
			WHEN 'convert_to_draft' THEN p.created_at
			ELSE CASE WHEN p.draft THEN NULL ELSE p.created_at END END AS ready_at
	FROM pull_requests p LEFT JOIN (
		SELECT item_id,
			arg_min(kind, occurred_at) FILTER (WHERE kind IN ('ready_for_review', 'convert_to_draft')) AS first_kind,
			min(occurred_at) FILTER (WHERE kind = 'ready_for_review') AS first_ready,
			arg_min(actor_id, occurred_at) FILTER (WHERE kind = 'merged') AS merger
		FROM item_events
		WHERE starts_with(item_id, $1) AND kind IN ('ready_for_review', 'convert_to_draft', 'merged')
		GROUP BY item_id) e ON e.item_id = p.item_id
	WHERE starts_with(p.item_id, $1)) d
WHERE pull_requests.item_id = d.item_id`

// fixRequestsSQL pairs each removal with the request of the same reviewer
// it follows and the next request does not precede.
const fixRequestsSQL = `
UPDATE review_requests SET removed_at = d.removed_at
FROM (
	SELECT r.request_id, min(e.occurred_at) AS removed_at
	FROM (
		SELECT request_id, item_id, requested_at, coalesce(reviewer_id, 'team:' || reviewer_team) AS who,
			lead(requested_at) OVER (PARTITION BY item_id, coalesce(reviewer_id, 'team:' || reviewer_team)
				ORDER BY requested_at, request_id) AS next_at
		FROM review_requests WHERE starts_with(item_id, $1)) r
	JOIN (
		SELECT item_id, occurred_at, CASE WHEN field = 'requested_team' THEN 'team:' || to_value ELSE to_id END AS who
		FROM item_events WHERE kind = 'review_request_removed' AND starts_with(item_id, $1)) e
	ON e.item_id = r.item_id AND e.who = r.who AND e.occurred_at >= r.requested_at
		AND (r.next_at IS NULL OR e.occurred_at < r.next_at)
	GROUP BY r.request_id) d
WHERE review_requests.request_id = d.request_id`
