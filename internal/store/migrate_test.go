package store

import (
	"context"
	"path/filepath"
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
