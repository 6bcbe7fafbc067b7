// Package query answers ad hoc questions over a systemic database: named
// questions (a registry of parameterised SQL over the documented views),
// raw read-only SQL, and the listing of the documented views.
//
// Data enters as a *sql.DB (normally a read-only store handle) plus Params
// from the command line; it leaves as a Result (typed columns and rows),
// which Write renders as an aligned table, CSV, JSON or Markdown. User
// input reaches the database only as bound parameters; raw SQL passes
// CheckReadOnly before it runs. Person columns are pseudonymised by
// Result.Pseudonymise unless the caller asks for names.
package query
