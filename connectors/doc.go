// Package connectors defines how trackers enter the store: a Source per
// configured tracker (Jira, GitHub), registered by kind from the connector
// sub-packages, fetches pages over HTTP and writes them as store rows, each
// page with its sync cursor in one transaction. Connectors know nothing of
// patterns, plans or reports.
package connectors
