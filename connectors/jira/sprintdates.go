package jira

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// keepStoredDates fills the sprint dates the board listing could not read
// (c.badDates) from the stored rows, so an unreadable date never erases a
// good one; with nothing stored they stay NULL.
func keepStoredDates(ctx context.Context, db *sql.DB, c *converter, rows []store.Sprint) error {
	c.mu.Lock()
	bad := c.badDates
	c.mu.Unlock()
	for i := range rows {
		fields := bad[rows[i].SprintID]
		if len(fields) == 0 {
			continue
		}
		var start, end, complete sql.NullTime
		err := db.QueryRowContext(ctx, `SELECT start_at, end_at, complete_at FROM sprints WHERE sprint_id = ?`, rows[i].SprintID).
			Scan(&start, &end, &complete)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return fmt.Errorf("stored dates of sprint %s: %w", rows[i].SprintID, err)
		}
		for _, f := range fields {
			switch f {
			case "startDate":
				rows[i].StartAt = timePtr(start)
			case "endDate":
				rows[i].EndAt = timePtr(end)
			case "completeDate":
				rows[i].CompleteAt = timePtr(complete)
			}
		}
	}
	return nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
