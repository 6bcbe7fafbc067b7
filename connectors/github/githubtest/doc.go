// Package githubtest is a fake GitHub REST and GraphQL API for tests and
// the demo. It serves a dataset directory (DIR/github, layout in the
// contracts: repos.jsonl and repos/<owner>/<name>/*.jsonl holding objects in
// GitHub's own shapes) on an httptest.Server, with GitHub's pagination (Link
// headers, page/per_page), the state/sort/direction/since filters the
// connector uses, rate-limit headers from a configurable budget, ETags with
// 304 replies that cost no budget, optional token checking and fault
// injection for the Nth request of a path: status codes, Retry-After,
// latency, truncated bodies, and mangled 200 bodies (empty, HTML, cut JSON,
// nulls, wrong types, garbage dates).
//
// POST /graphql (and /api/graphql, as on GitHub Enterprise Server) serves
// the same data to the connector's GraphQL operations, recognised by name
// (graphql.go); the query text is read only for GitHub's cost rule, charged
// to a points budget of its own, and its limits: first/last over 100 and
// queries over 500,000 nodes are refused (gqlcost.go).
//
// Data enters as JSON Lines files read once by New and leaves as HTTP
// responses; request, query and point counters let tests measure what a
// client spent.
package githubtest
