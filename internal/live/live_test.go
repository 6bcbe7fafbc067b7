package live_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/internal/store"
)

// TestHoldDatabase is a helper process: it holds the store at
// SYSTEMIC_HOLD_DB open for writing, as a sync does, until stdin closes.
func TestHoldDatabase(t *testing.T) {
	path := os.Getenv("SYSTEMIC_HOLD_DB")
	if path == "" {
		t.Skip("helper process only")
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	os.Stdout.WriteString("holding\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
}

// hold starts the helper and returns when it holds path.
func hold(t *testing.T, path string) {
	t.Helper()
	holder := exec.Command(os.Args[0], "-test.run=^TestHoldDatabase$")
	holder.Env = append(os.Environ(), "SYSTEMIC_HOLD_DB="+path)
	stdin, _ := holder.StdinPipe()
	stdout, _ := holder.StdoutPipe()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); holder.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); !strings.Contains(line, "holding") {
		t.Fatalf("helper said %q", line)
	}
}

func newStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "systemic.duckdb")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO people (person_id, display_name, email, is_bot) VALUES ('carol-diaz', 'Carol Diaz', 'carol@acme.example', false)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return path
}

func touch(t *testing.T, path string) {
	t.Helper()
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
}

// people reads the display names the view holds.
func people(t *testing.T, v *live.View) string {
	t.Helper()
	var name string
	if err := v.DB.QueryRow(`SELECT string_agg(display_name, ',') FROM people`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestViews(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	ctx := context.Background()
	tests := []struct {
		name   string
		names  bool
		person string
	}{
		{"pseudonymised copy", false, "person-1"},
		{"snapshot with names", true, "Carol Diaz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := newStore(t)
			src := &live.Source{Path: path, Names: tt.names}
			defer src.Close()
			v, release, err := src.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v.File == path || v.Busy() != "" || people(t, v) != tt.person {
				t.Errorf("view of %s reads %s, busy %q, people %q", path, v.File, v.Busy(), people(t, v))
			}
			release()
			// A writer holds the store and it changed since: the last
			// view is served, saying since when.
			touch(t, path)
			hold(t, path)
			v2, release2, err := src.Acquire(ctx)
			if err != nil {
				t.Fatalf("while a writer holds the store: %v", err)
			}
			defer release2()
			if v2.DB == nil || !strings.Contains(v2.Busy(), "being written") || people(t, v2) != tt.person {
				t.Errorf("while held: busy %q", v2.Busy())
			}
			// A new reader: the pseudonymised copy an earlier run left is
			// served; with names there is no earlier state to show.
			src2 := &live.Source{Path: path, Names: tt.names}
			defer src2.Close()
			v3, release3, err := src2.Acquire(ctx)
			if tt.names {
				if !errors.Is(err, live.ErrBusy) || !strings.Contains(err.Error(), "try again") {
					t.Errorf("names, no earlier view: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer release3()
			if !strings.Contains(v3.Busy(), "being written") || people(t, v3) != tt.person {
				t.Errorf("earlier copy: busy %q", v3.Busy())
			}
		})
	}
}
