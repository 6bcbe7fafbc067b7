package main

import (
	"errors"
	"strings"
	"testing"
)

// TestErrorTextNamesMemoryLimit checks DuckDB's out-of-memory error ends
// with the config key that raises the cap, not only DuckDB's SQL advice.
func TestErrorTextNamesMemoryLimit(t *testing.T) {
	got := errorText(errors.New("analyze 2026-10: Out of Memory Error: failed to pin block of size 256.0 KiB"))
	if !strings.Contains(got, "raise storage.memory_limit in the config") {
		t.Errorf("error text %q does not name storage.memory_limit", got)
	}
	if got := errorText(errors.New("no database")); got != "no database" {
		t.Errorf("other errors changed: %q", got)
	}
}
