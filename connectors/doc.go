// Package connectors defines how trackers enter the store: a Source per
// configured tracker (Jira, GitHub), registered by kind from the connector
// sub-packages, fetches pages over HTTP and writes them as store rows, each
// page with its sync cursor in one transaction. Connectors know nothing of
// patterns, plans or reports.
//
// The shared plumbing: NewHTTPClient retries 429, 5xx and broken
// connections with backoff within a wait budget (RetryPolicy.WaitBeyondBudget
// tells a Retry-After beyond that budget, a clean early stop, from retries
// that ran out, a failure); DecodeJSON turns a 2xx body that is not a page
// (empty, HTML, cut short, of the wrong shape) into a *BadBodyError, which
// connectors treat as transient, fetching the page again after
// RetryPolicy.Backoff, and report naming the endpoint when it persists.
package connectors
