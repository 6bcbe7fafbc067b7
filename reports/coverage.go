package reports

import (
	"context"
	"database/sql"
	"fmt"
)

// Coverage says what the report rests on and what it could not see.
type Coverage struct {
	Sources []SourceInfo `json:"sources"`
	Counts  []Count      `json:"counts"` // rows per kind of record
	Run     string       `json:"run"`    // the analyze run behind findings and metrics
	// NotMeasured: each "what: not measured: why".
	NotMeasured []string `json:"not_measured"`
	Notes       []string `json:"notes"` // from the caller, e.g. failed sources
}

// SourceInfo is one tracker and its last sync.
type SourceInfo struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	LastSyncAt string `json:"last_sync_at"`
	Status     string `json:"status"`
	Error      string `json:"error,omitempty"`
	Items      int    `json:"items"`
}

func (m *model) coverage(ctx context.Context) error {
	c := &m.report.Coverage
	c.Notes = append([]string{}, m.opts.Coverage...)
	if c.NotMeasured == nil {
		c.NotMeasured = []string{}
	}
	rows, err := m.db.QueryContext(ctx, `SELECT s.name, s.kind, s.last_sync_at, coalesce(s.last_status, ''),
	coalesce(s.last_error, ''), (SELECT count(*) FROM items i WHERE i.source = s.name)
FROM sources s ORDER BY s.name`)
	if err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	defer rows.Close()
	c.Sources = []SourceInfo{}
	for rows.Next() {
		var s SourceInfo
		var at sql.NullTime
		if err := rows.Scan(&s.Name, &s.Kind, &at, &s.Status, &s.Error, &s.Items); err != nil {
			return fmt.Errorf("read sources: %w", err)
		}
		if at.Valid {
			s.LastSyncAt = at.Time.UTC().Format("2006-01-02 15:04 UTC")
		}
		c.Sources = append(c.Sources, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(c.Sources) == 0 {
		m.notMeasured("sources: no source has synced into this store (run `systemic sync`)")
	}
	return m.counts(ctx)
}

func (m *model) counts(ctx context.Context) error {
	c := &m.report.Coverage
	c.Counts = []Count{}
	queries := []struct{ name, sql string }{
		{"issues", `SELECT count(*) FROM items WHERE kind = 'issue'`},
		{"epics", `SELECT count(*) FROM items WHERE kind = 'epic'`},
		{"pull requests", `SELECT count(*) FROM pull_requests`},
		{"history events", `SELECT count(*) FROM item_events`},
		{"reviews", `SELECT count(*) FROM reviews`},
		{"review requests", `SELECT count(*) FROM review_requests`},
		{"sprints", `SELECT count(*) FROM sprints`},
		{"people", `SELECT count(DISTINCT coalesce(person_id, identity_id)) FROM identities`},
		{"items done in period", `SELECT count(*) FROM items WHERE resolved_at >= ? AND resolved_at < ?`},
	}
	for _, q := range queries {
		var n int
		var args []any
		if q.name == "items done in period" {
			args = []any{m.opts.From, m.opts.To}
		}
		if err := m.db.QueryRowContext(ctx, q.sql, args...).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", q.name, err)
		}
		c.Counts = append(c.Counts, Count{q.name, n})
	}
	return nil
}
