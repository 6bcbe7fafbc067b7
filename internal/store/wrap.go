package store

import "database/sql"

// ReadOnlyOn wraps db, a handle already open read-only on the systemic
// database at path (such as the sandboxed handle of query.OpenSandbox), as
// a read-only Store, so code that reads a Store (reports.Build) can run on
// it. Writes through it fail; closing the Store closes db.
func ReadOnlyOn(db *sql.DB, path string) *Store {
	return &Store{db: db, path: path, readOnly: true, writer: make(chan struct{}, 1)}
}
