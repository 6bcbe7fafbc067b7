// Package privacy turns person ids into stable pseudonyms ("person-3") so
// that output about behaviour names no one unless the user asks for names.
//
// A Pseudonymizer is built from every person id a database knows (FromDB
// reads them) and a salt from the config; the numbering sorts the ids by
// their salted hash, so the same database and salt always give the same
// pseudonym for the same person, and the numbers reveal nothing about the
// names' order. Both query and reports use it; it imports no other package
// of systemic.
package privacy
