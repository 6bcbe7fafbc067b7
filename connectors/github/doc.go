// Package github is the GitHub connector: it syncs pull requests (with
// their reviews, review requests, draft/ready history and merges), issues,
// issue events and comments of the configured repositories into the store.
//
// Data enters through GitHub's REST API (go-github client, GitHub.com or an
// Enterprise Server at https://host/api/v3) and leaves as store rows, one
// transaction per page together with the page's sync cursor.
//
// Requests are kept low: pull requests come from the list endpoint sorted by
// update time (newest first, stopping at the cursor), reviews per pull
// request (one call each, 100 a page), and everything else from
// repository-wide listings (issue events, issue comments and review comments
// with `since`). The size fields (additions, deletions, changed_files,
// commits) and merged_by exist only on the per-PR detail endpoint; fetching
// it for every PR would double the request budget, so the size columns stay
// NULL unless a listing carried them, and merged_by_id comes from the
// `merged` issue event's actor instead.
//
// Incremental runs: each repository and listing has its own cursor
// ("<owner>/<repo>:pulls", ":events", ":issues", ":comments",
// ":review_comments"); re-runs start an overlap (config overlap, 1h) before
// it and upsert, so repeated rows are harmless. Page one of every listing is
// requested with the stored ETag; a 304 costs no rate limit. Newest-first
// listings (pulls, events) can only move their cursor when they complete;
// an interrupted pull listing records the range it finished
// ("done|low|top") so a resumed run skips those PRs' review calls. Pages are
// written in batches of about 5,000 rows, each batch with its cursor in one
// transaction; a failing or rate-limited run writes the pages it fetched
// whole before returning.
//
// Derived columns (pull_requests.ready_at, merged_by_id from the merged
// event, review_requests.removed_at) are recomputed in SQL from the stored
// events once per repository and run; a ":derived" sync_state mark makes an
// interrupted run's successor recompute them even when every listing
// answers 304.
//
// Rate limits: one limiter per sync is shared by all repository workers. It
// slows down as X-RateLimit-Remaining nears zero, waits for the reset when it
// is within Options.MaxWait and otherwise stops with connectors.ErrPartial
// naming the reset time; secondary limits (403/429 with Retry-After) are
// honoured the same way. 5xx and connection errors are retried by the shared
// connectors HTTP client.
package github
