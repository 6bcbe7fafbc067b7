// Package jiratest is a fake Jira server for tests and the demo. It serves a
// dataset directory (DIR/jira: serverInfo.json, fields.json, statuses.json,
// issues.jsonl, boards.json, sprints.jsonl; see the contracts) over an
// httptest.Server in the real payload shapes: Data Center search with
// startAt/total and changelogs embedded oldest first (100 at most), Cloud
// enhanced search with nextPageToken, changelogs embedded newest first (40
// at most) and changelog/bulkfetch (and 410 Gone on the old search when the
// dataset is Cloud), per-issue changelog paging, fields, statuses, agile
// boards and sprints. Options add authentication checks and fault injection
// (status codes, Retry-After, latency, connections cut mid-body, and 200
// answers mangled as a broken proxy would: empty, HTML, truncated JSON,
// nulls, wrong types, garbage dates on chosen keys); request counters let
// tests assert how many calls a sync made.
package jiratest
