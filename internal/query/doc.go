// Package query answers ad hoc questions over a systemic database: named
// questions (a registry of parameterised SQL over the documented views),
// raw read-only SQL, and the listing of the documented views.
//
// Data enters as a *sql.DB (normally a read-only store handle) plus Params
// from the command line; it leaves as a Result (typed columns and rows),
// which Write renders as an aligned table, CSV, JSON or Markdown, with
// control characters (and, in Markdown, HTML) escaped so tracker text
// cannot act on the terminal. User input reaches the database only as
// bound parameters; raw SQL passes CheckReadOnly before it runs.
//
// OpenSandbox is the handle ad hoc SQL runs on: the file opened read-only
// on a DuckDB instance of its own, with file, network and extension access
// off and its configuration locked before any statement of the user, so
// read_csv, glob, https:// and s3:// paths, ATTACH, COPY, INSTALL and LOAD
// fail as "not allowed in queries". Without names, the command opens the
// pseudonymised copy of internal/privacy in it, never the store itself.
// Result.Pseudonymise (string matching on results) is kept for callers
// that hold the real store; the command does not need it.
package query
