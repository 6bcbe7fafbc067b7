package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestMigrateInPlace opens a file written at schema v1 with a build that
// has a v2 migration: the data stays and the new column appears.
func TestMigrateInPlace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO teams VALUES ('platform')`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	saved, savedVersion := migrations, SchemaVersion
	t.Cleanup(func() { migrations, SchemaVersion = saved, savedVersion })
	migrations = append(append([]string{}, saved...), `ALTER TABLE teams ADD COLUMN mission TEXT DEFAULT 'tbd'`)
	SchemaVersion = len(migrations)

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open with v2: %v", err)
	}
	defer s.Close()
	if v, _ := s.Version(ctx); v != savedVersion+1 {
		t.Errorf("version = %d, want %d", v, savedVersion+1)
	}
	var team, mission string
	if err := s.DB().QueryRow(`SELECT team, mission FROM teams`).Scan(&team, &mission); err != nil {
		t.Fatal(err)
	}
	if team != "platform" || mission != "tbd" {
		t.Errorf("after migration: %q, %q", team, mission)
	}
}

// TestNewerSchemaRefused keeps an old build from writing to a file a newer
// build migrated.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.DB().Exec(`INSERT INTO schema_version (version) VALUES (99)`)
	s.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Fatal("opened a file with a newer schema")
	}
}

// TestMigrateSourcesV4 opens a file written at schema v2: the recorded
// time becomes the last attempt, and the last success only where that
// attempt was ok (a failed attempt's time is not a successful sync).
func TestMigrateSourcesV4(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v2.duckdb")
	saved, savedVersion := migrations, SchemaVersion
	migrations, SchemaVersion = saved[:2], 2
	s, err := Open(ctx, path)
	migrations, SchemaVersion = saved, savedVersion
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO sources VALUES ('jira', 'jira', NULL, TIMESTAMPTZ '2026-11-01 06:00:00+00', 'ok', NULL),
	('gh', 'github', NULL, TIMESTAMPTZ '2026-11-02 06:00:00+00', 'failed', '401')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open with the current schema: %v", err)
	}
	defer s.Close()
	var got []string
	rows, err := s.DB().Query(`SELECT name || ' ' || coalesce(strftime(last_sync_at, '%d %H'), '-') || ' ' ||
	coalesce(strftime(last_attempt_at, '%d %H'), '-') FROM sources ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		rows.Scan(&r)
		got = append(got, r)
	}
	if want := []string{"gh - 02 06", "jira 01 06 01 06"}; !slices.Equal(got, want) {
		t.Errorf("sources after migration %q, want %q", got, want)
	}
}
