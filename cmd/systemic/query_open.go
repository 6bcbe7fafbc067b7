package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
)

// openQueryDB opens what a query may reach, sandboxed (no files, network
// or extensions; settings locked): with names (--names or the config's
// privacy.names), the store itself, read-only; without, only the
// pseudonymised copy beside it, refreshed first when the store changed
// since it was written or the salt differs. The real file is never
// attached to the query's handle, so no expression can reach a real name.
func (a *app) openQueryDB(ctx context.Context, names bool) (*sql.DB, error) {
	path, names, salt, err := a.privacyScope(names)
	if err != nil {
		return nil, err
	}
	if names {
		st, err := a.openReadOnly(ctx) // checks the schema and the lock
		if err != nil {
			return nil, err
		}
		st.Close()
		return query.OpenSandbox(ctx, path)
	}
	shadow := privacy.ShadowPath(path)
	if !privacy.ShadowFresh(path, shadow) {
		if err := a.writeShadow(ctx, shadow, salt); err != nil {
			return nil, err
		}
	}
	db, err := query.OpenSandbox(ctx, shadow)
	if err != nil {
		return nil, err
	}
	var made string
	err = db.QueryRowContext(ctx, `SELECT salt_hash FROM pseudonymised`).Scan(&made)
	if err == nil && made == privacy.SaltHash(salt) {
		return db, nil
	}
	db.Close() // written with another salt (or not by this build): write it again
	if err := a.writeShadow(ctx, shadow, salt); err != nil {
		return nil, err
	}
	return query.OpenSandbox(ctx, shadow)
}

// writeShadow writes the pseudonymised copy of the store. When a writer
// holds the store, an existing copy is used as it is, with a warning.
func (a *app) writeShadow(ctx context.Context, shadow, salt string) error {
	st, err := a.openReadOnly(ctx)
	if errors.Is(err, store.ErrLocked) && fileExists(shadow) {
		a.log.Warn("the database is in use; answering from the pseudonymised copy of its last state", "copy", shadow)
		return nil
	}
	if err != nil {
		return err
	}
	defer st.Close()
	a.log.Debug("writing the pseudonymised copy queries read", "copy", shadow)
	if err := privacy.WriteShadow(ctx, st.DB(), shadow, salt); err != nil {
		return fmt.Errorf("%w (queries without --names read only this copy; the folder of the database must be writable)", err)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
