// Package github is the GitHub connector: it syncs pull requests (with
// their reviews, review requests, draft/ready history and merges), issues,
// issue events and comments of the configured repositories into the store.
//
// Data enters through GitHub's GraphQL API (pull requests) and REST API
// (go-github client: issues, issue events, comments; GitHub.com or an
// Enterprise Server at https://host/api/v3, GraphQL at https://host/api/graphql)
// and leaves as store rows, one transaction per page together with the
// page's sync cursor.
//
// Pull requests (config `api: graphql`, the default; pullsgql.go): one
// query a page of up to 100 PRs, newest update first, stopping at the
// cursor, with reviews, timeline events (review requests, ready/draft,
// merge, force pushes, closes, labels, ...), labels, assignees, merged_by
// and sizes. Reviews or timelines longer than 100 are completed by
// follow-up queries for those PRs only. About 0.012 queries and 0.042
// points per PR. A page GitHub times out on (502/504, its timeout message,
// the node limit) is asked again at half the size. Timeline node ids are
// read back to the REST event ids (nodeid.go), so both paths store the
// same rows; in GraphQL mode the REST issue events listing keeps only the
// events of issues. With `api: rest` (pulls.go, reviews.go), PRs come
// from the list endpoint and reviews from one call per PR; the list has no
// sizes (NULL) and no merged_by (taken from the `merged` event's actor).
//
// Every page is validated before it is stored (decode.go, gqlquery.go): a
// 2xx that is empty, HTML, cut off, not JSON, or lacks what every element
// has (ids, numbers, states, plausible dates) is retried with backoff like
// a 5xx and then fails the source naming the endpoint and the fault; it is
// never read as an empty page, and no cursor moves past it.
//
// Issue events of items outside the synced set (deleted, transferred,
// older than since) are not stored; issues are synced before events so
// the check sees them. Stats count the distinct items and events stored.
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
// Rate limits: one limiter per sync and API (REST requests and GraphQL
// points are separate budgets; GraphQL's is read from rateLimit in each
// reply) is shared by all repository workers. It
// slows down as X-RateLimit-Remaining nears zero, waits for the reset when it
// is within Options.MaxWait and otherwise stops with connectors.ErrPartial
// naming the reset time; secondary limits (403/429 with Retry-After) are
// honoured the same way; a GraphQL RATE_LIMITED error waits for the reset.
// 5xx and connection errors are retried by the shared connectors HTTP
// client (REST) or the GraphQL client itself. An interrupted GraphQL
// listing keeps its GraphQL cursor in ":pulls" and resumes there.
package github
