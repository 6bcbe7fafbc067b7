// Package store owns systemic's DuckDB database: the schema and its ordered
// migrations, transactional writes for connectors (rows staged through
// DuckDB appenders and upserted with their sync cursor in one transaction),
// the resolve step that merges identities and assigns teams, and read-only
// access for queries. Data enters through Tx.Put and Resolve; it leaves
// through DB() to the analysis, reports and query packages.
package store
