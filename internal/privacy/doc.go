// Package privacy turns person ids into stable pseudonyms ("person-3") so
// that output about behaviour names no one unless the user asks for names.
//
// A Pseudonymizer is built from every person id a database knows (FromDB
// reads them) and a salt from the config; the numbering sorts the ids by
// their salted hash, so the same database and salt always give the same
// pseudonym for the same person, and the numbers reveal nothing about the
// names' order. Both query and reports use it; it imports no other package
// of systemic.
//
// WriteShadow writes the pseudonymised copy of a database that queries
// without --names open alone (NAME.pseudonymised.duckdb beside it): every
// person, identity, login, name and account id replaced by the same
// pseudonyms, emails dropped, views materialised, so privacy holds by what
// a query can reach rather than by inspecting its result. RedactURLs
// strips credentials from URLs before they are logged, stored or shown.
package privacy
