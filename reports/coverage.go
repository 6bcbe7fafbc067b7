package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Coverage says what the report rests on and what it could not see.
type Coverage struct {
	Sources []SourceInfo `json:"sources"`
	Counts  []Count      `json:"counts"` // rows per kind of record
	Run     string       `json:"run"`    // the analyze run behind findings and metrics
	// NotMeasured: each "what: not measured: why".
	NotMeasured []string `json:"not_measured"`
	Notes       []string `json:"notes"` // from the caller, e.g. failed sources
	// Complete is false when a source failed or stopped early at its last
	// sync, never synced successfully, or holds data older than the
	// period's end; Warnings say which and how (the first screen shows
	// them).
	Complete bool     `json:"complete"`
	Warnings []string `json:"warnings"`
}

// SourceInfo is one tracker and its syncs.
type SourceInfo struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// LastSyncAt is the last successful sync ("" when none is recorded).
	LastSyncAt string `json:"last_sync_at"`
	// LastAttemptAt is the last sync whatever its outcome; Status and
	// Error describe it.
	LastAttemptAt string `json:"last_attempt_at,omitempty"`
	Status        string `json:"status"`
	Error         string `json:"error,omitempty"`
	Items         int    `json:"items"`
	// Stale says the last successful sync came before the period's end.
	Stale bool `json:"stale,omitempty"`
}

// Attempt shows the last attempt beside the last success when it did not
// succeed: "failed 2026-11-02 06:00 UTC".
func (s SourceInfo) Attempt() string {
	if s.Status == "ok" || s.Status == "" {
		return s.Status
	}
	if s.LastAttemptAt == "" {
		return s.Status
	}
	return s.Status + " " + s.LastAttemptAt
}

const syncTime = "2006-01-02 15:04 UTC"

func (m *model) coverage(ctx context.Context) error {
	c := &m.report.Coverage
	c.Notes = append([]string{}, m.opts.Coverage...)
	if c.NotMeasured == nil {
		c.NotMeasured = []string{}
	}
	if err := m.sources(ctx); err != nil {
		return err
	}
	if len(c.Sources) == 0 {
		m.notMeasured("sources: no source has synced into this store (run `systemic sync`)")
	}
	m.coverageWarnings()
	return m.counts(ctx)
}

func (m *model) sources(ctx context.Context) error {
	c := &m.report.Coverage
	attempt := "CAST(NULL AS TIMESTAMPTZ)"
	if m.hasColumn(ctx, "sources", "last_attempt_at") { // a read-only store of an older schema has none
		attempt = "s.last_attempt_at"
	}
	rows, err := m.db.QueryContext(ctx, `SELECT s.name, s.kind, s.last_sync_at, `+attempt+`, coalesce(s.last_status, ''),
	coalesce(s.last_error, ''), (SELECT count(*) FROM items i WHERE i.source = s.name)
FROM sources s ORDER BY s.name`)
	if err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	defer rows.Close()
	c.Sources = []SourceInfo{}
	fresh := m.freshBy()
	for rows.Next() {
		var s SourceInfo
		var ok, at sql.NullTime
		if err := rows.Scan(&s.Name, &s.Kind, &ok, &at, &s.Status, &s.Error, &s.Items); err != nil {
			return fmt.Errorf("read sources: %w", err)
		}
		if ok.Valid {
			s.LastSyncAt = ok.Time.UTC().Format(syncTime)
			s.Stale = ok.Time.Before(fresh)
		}
		if at.Valid {
			s.LastAttemptAt = at.Time.UTC().Format(syncTime)
		}
		c.Sources = append(c.Sources, s)
	}
	return rows.Err()
}

// freshBy is the instant data must reach for the report to be complete:
// the period's end, or the start of the report's day while the period is
// still running (a sync earlier that day is as fresh as a day-long period
// asks for).
func (m *model) freshBy() time.Time {
	now := m.opts.Now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if m.opts.To.Before(today) {
		return m.opts.To
	}
	return today
}

// coverageWarnings states, for the first screen, every source whose data
// the report cannot fully rest on.
func (m *model) coverageWarnings() {
	c := &m.report.Coverage
	c.Warnings = []string{}
	if len(c.Sources) == 0 {
		c.Warnings = append(c.Warnings, "no source has synced into this store: every number below is empty (run `systemic sync`)")
	}
	for _, s := range c.Sources {
		if w := sourceWarning(s, day(m.freshBy())); w != "" {
			c.Warnings = append(c.Warnings, w)
		}
	}
	c.Complete = len(c.Warnings) == 0
}

func sourceWarning(s SourceInfo, freshBy string) string {
	last := "no successful sync is recorded"
	if s.LastSyncAt != "" {
		last = "its data is from the last successful sync, " + s.LastSyncAt
	}
	switch {
	case s.Status != "" && s.Status != "ok":
		what := s.Status
		if s.LastAttemptAt != "" {
			what += " at " + s.LastAttemptAt
		}
		if s.Error != "" {
			what += " (" + firstLine(s.Error) + ")"
		}
		return fmt.Sprintf("%s: the last sync %s; %s", s.Name, what, last)
	case s.LastSyncAt == "":
		return fmt.Sprintf("%s: %s", s.Name, last)
	case s.Stale:
		return fmt.Sprintf("%s: last successful sync %s, before %s: later changes are missing", s.Name, s.LastSyncAt, freshBy)
	}
	return ""
}

// headline is the first screen's line about the data: "complete", or
// which sources it is missing: "incomplete data: acme-github: last sync
// failed; acme-jira: synced before the period's end".
func (c Coverage) headline() string {
	if c.Complete {
		return "complete"
	}
	var parts []string
	if len(c.Sources) == 0 {
		parts = append(parts, "no source has synced")
	}
	for _, s := range c.Sources {
		switch {
		case s.Status != "" && s.Status != "ok":
			parts = append(parts, s.Name+": last sync "+s.Status)
		case s.LastSyncAt == "":
			parts = append(parts, s.Name+": never synced")
		case s.Stale:
			parts = append(parts, s.Name+": synced before the period's end")
		}
	}
	return "incomplete data: " + strings.Join(parts, "; ")
}

// firstLine keeps an error message to its first line.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// hasColumn says whether table has column in the main schema.
func (m *model) hasColumn(ctx context.Context, table, column string) bool {
	var n int
	err := m.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.columns
WHERE table_schema = 'main' AND table_name = ? AND column_name = ?`, table, column).Scan(&n)
	return err == nil && n > 0
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
