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
	items  int
	events int
	fix    string // repository whose derived columns to recompute ("" = none)
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
		switch row.(type) {
		case store.Item:
			p.items++
		case store.Event:
			p.events++
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
func (r *run) commit(ctx context.Context, p *page, cur *cursor) error {
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
	if cur != nil {
		if err := tx.SetCursor(r.src.cfg.Name, cur.scope, cur.value, cur.etag); err != nil {
			return r.storeErr(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return r.storeErr(err)
	}
	r.items.Add(int64(p.items))
	r.events.Add(int64(p.events))
	return nil
}

func (r *run) storeErr(err error) error {
	return fmt.Errorf("github source %s: store: %w", r.src.cfg.Name, err)
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
UPDATE pull_requests SET
	ready_at = CASE (SELECT arg_min(e.kind, e.occurred_at) FROM item_events e
			WHERE e.item_id = pull_requests.item_id AND e.kind IN ('ready_for_review', 'convert_to_draft'))
		WHEN 'ready_for_review' THEN (SELECT min(e.occurred_at) FROM item_events e
			WHERE e.item_id = pull_requests.item_id AND e.kind = 'ready_for_review')
		WHEN 'convert_to_draft' THEN created_at
		ELSE CASE WHEN draft THEN NULL ELSE created_at END END,
	merged_by_id = coalesce(merged_by_id, (SELECT arg_min(e.actor_id, e.occurred_at) FROM item_events e
			WHERE e.item_id = pull_requests.item_id AND e.kind = 'merged'))
WHERE starts_with(item_id, ?)`

const fixRequestsSQL = `
UPDATE review_requests SET removed_at = (
	SELECT min(e.occurred_at) FROM item_events e
	WHERE e.item_id = review_requests.item_id AND e.kind = 'review_request_removed'
		AND e.occurred_at >= review_requests.requested_at
		AND CASE WHEN e.field = 'requested_team' THEN 'team:' || e.to_value ELSE e.to_id END
			= coalesce(review_requests.reviewer_id, 'team:' || review_requests.reviewer_team)
		AND NOT EXISTS (SELECT 1 FROM review_requests r2
			WHERE r2.item_id = review_requests.item_id
				AND coalesce(r2.reviewer_id, 'team:' || r2.reviewer_team)
					= coalesce(review_requests.reviewer_id, 'team:' || review_requests.reviewer_team)
				AND r2.requested_at > review_requests.requested_at AND r2.requested_at <= e.occurred_at))
WHERE starts_with(item_id, ?)`
