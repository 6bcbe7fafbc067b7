// Package jira is the Jira connector: a connectors.Source of kind "jira" that
// reads a Jira Cloud or Data Center instance over its REST API (through
// go-jira's request helpers, with the shared retrying client) and writes
// issues, their full changelog, statuses, sprints, sprint membership, links
// and users into the store.
//
// Data enters as search pages (Cloud enhanced search by nextPageToken, Data
// Center search by startAt), each issue with its changelog expanded, plus the
// field, status, board and sprint lists. Jira truncates embedded changelogs
// (Cloud embeds the 40 newest histories, Data Center the oldest): Cloud
// completes them with changelog/bulkfetch, holding up to ten search pages so
// one call covers up to 1,000 truncated issues; Data Center reads only the
// missing histories from each truncated issue's changelog endpoint. No
// history is fetched twice (see changelog.go).
//
// Every answer is checked before use (check.go): a 2xx that is empty, HTML,
// cut short, or lacks what Jira always sends (an issue's id, key, status,
// dates) is a transient fault, fetched again with backoff, and fails the
// source with the endpoint named when it persists; nothing of it is stored,
// so it can neither erase stored values nor move the cursor. An unreadable
// sprint date keeps the stored one and is logged. It leaves as store rows: every page's rows and the sync cursor (the
// largest issue `updated` stored) commit in one transaction, so an
// interrupted sync resumes from the last committed page. After the issue
// pages, two passes over what is stored fill in link history and sprint
// commitment, so their result does not depend on page order.
package jira
