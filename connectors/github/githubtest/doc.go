// Package githubtest is a fake GitHub REST and GraphQL API for tests and the
// demo. It
// serves a dataset directory (DIR/github, layout in the contracts: repos.jsonl
// and repos/<owner>/<name>/*.jsonl holding objects in GitHub's own shapes) on
// an httptest.Server, with GitHub's pagination (Link headers, page/per_page),
// the state/sort/direction/since filters the connector uses, rate-limit
// headers from a configurable budget, ETags with 304 replies that cost no
// budget, optional token checking and fault injection (status codes,
// Retry-After, latency, truncated bodies) for the Nth request of a path.
//
// Data enters as JSON Lines files read once by New and leaves as HTTP
// responses; request counters let tests measure what a client spent.
package githubtest
