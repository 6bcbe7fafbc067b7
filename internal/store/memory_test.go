package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestMemoryLimit checks a store opens with its default cap, takes
// another size, and refuses text that is not one before it reaches SQL.
func TestMemoryLimit(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	read := func() string {
		var v string
		if err := s.DB().QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	var threads int
	if err := s.DB().QueryRowContext(ctx, "SELECT CAST(current_setting('threads') AS INTEGER)").Scan(&threads); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d.0 MiB", max(768, 256*threads))
	if got := read(); got != want {
		t.Errorf("default memory limit %q with %d threads, want %s", got, threads, want)
	}
	if err := s.SetMemoryLimit(ctx, "512MiB"); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != "512.0 MiB" {
		t.Errorf("memory limit %q after 512MiB", got)
	}
	err = s.SetMemoryLimit(ctx, "1GB'; DROP TABLE items; --")
	if err == nil || !strings.Contains(err.Error(), "give a size such as 512MB or 2GiB") {
		t.Errorf("bad limit: err = %v", err)
	}
}
