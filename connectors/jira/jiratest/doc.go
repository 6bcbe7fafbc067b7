// Package jiratest is a fake Jira server for tests and the demo. It serves a
// dataset directory (DIR/jira: serverInfo.json, fields.json, statuses.json,
// issues.jsonl, boards.json, sprints.jsonl; see the contracts) over an
// httptest.Server in the real payload shapes: Data Center search with
// startAt/total, Cloud enhanced search with nextPageToken (and 410 Gone on the
// old search when the dataset is Cloud), changelog paging, fields, statuses,
// agile boards and sprints. Options add authentication checks and fault
// injection (status codes, Retry-After, latency, truncated bodies); request
// counters let tests assert how many calls a sync made.
package jiratest
