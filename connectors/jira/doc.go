// Package jira is the Jira connector: a connectors.Source of kind "jira" that
// reads a Jira Cloud or Data Center instance over its REST API (through
// go-jira's request helpers, with the shared retrying client) and writes
// issues, their full changelog, statuses, sprints, sprint membership, links
// and users into the store.
//
// Data enters as search pages (Cloud enhanced search by nextPageToken, Data
// Center search by startAt), each issue with its changelog expanded and paged
// further when Jira truncates it, plus the field, status, board and sprint
// lists. It leaves as store rows: every page's rows and the sync cursor (the
// largest issue `updated` stored) commit in one transaction, so an
// interrupted sync resumes from the last committed page. After the issue
// pages, two passes over what is stored fill in link history and sprint
// commitment, so their result does not depend on page order.
package jira
