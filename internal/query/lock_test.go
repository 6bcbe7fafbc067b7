package query_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/store"
)

// TestHoldLock is not a test: TestLockedDatabase runs the test binary with
// it to hold a database open for writing in another process, as a running
// sync does.
func TestHoldLock(t *testing.T) {
	path := os.Getenv("SYSTEMIC_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process only")
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	os.Stdout.WriteString("holding\n")
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
}

func TestLockedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	path := filepath.Join(t.TempDir(), "locked.duckdb")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldLock$")
	cmd.Env = append(os.Environ(), "SYSTEMIC_HOLD_LOCK="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if !strings.Contains(line, "holding") {
		t.Fatalf("helper said %q", line)
	}
	_, err = store.OpenReadOnly(context.Background(), path)
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("open of a locked database: %v, want store.ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "in use by another process") {
		t.Errorf("message %q does not say the database is in use", err)
	}
}
