package query

import (
	"context"
	"database/sql"
)

// ExecForTest runs text without the guard, so tests reach the read-only
// handle's own refusal.
func ExecForTest(ctx context.Context, db *sql.DB, text string) error {
	_, err := fetch(ctx, db, nil, text)
	if err != nil {
		return explain(err)
	}
	return nil
}
