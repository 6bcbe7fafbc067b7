package github

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors"
	"github.com/systemic-dev/systemic/connectors/github/githubtest"
)

// TestInterruptedSyncResumes stops a sync midway in several ways, re-runs
// it and compares the store with an uninterrupted sync.
func TestInterruptedSyncResumes(t *testing.T) {
	repos := []string{"acme/api", "acme/web"}
	dir := generate(t, genOptions{repos: repos, prs: 130, maxReviews: 4, seed: 8})
	want := reference(t, dir, repos...)
	cases := []struct {
		name   string
		faults []githubtest.Fault
		cancel int // cancel the context at this request number
		fails  bool
	}{
		{name: "401 on page 2 of pulls", faults: []githubtest.Fault{{Path: "/repos/acme/api/pulls", Nth: 2, Status: 401}}, fails: true},
		{name: "404 on the events", faults: []githubtest.Fault{{Path: "/repos/acme/web/issues/events", Nth: 1, Status: 404}}, fails: true},
		{name: "context cancelled", cancel: 150, fails: true},
		{name: "5xx and truncated bodies retried", faults: []githubtest.Fault{
			{Path: "/repos/acme/api/pulls", Nth: 2, Status: 502},
			{Path: "/repos/acme/api/pulls/7/reviews", Nth: 1, Truncate: true},
			{Path: "/repos/acme/web/issues/events", Nth: 1, Truncate: true},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := githubtest.Options{Faults: c.faults}
			if c.cancel > 0 {
				opts.Hook = func(_ string, n int) {
					if n == c.cancel {
						cancel()
					}
				}
			}
			srv := startServer(t, dir, opts)
			st := openStore(t, "")
			cfg := sourceConfig(srv.URL, repos...)
			_, err := syncOnce(ctx, t, cfg, st, connectors.Options{})
			if (err != nil) != c.fails {
				t.Fatalf("first run: err = %v, want failure %v", err, c.fails)
			}
			if err != nil {
				t.Logf("first run stopped: %v", err)
				srv.ClearFaults()
				if _, err := syncOnce(context.Background(), t, cfg, st, connectors.Options{}); err != nil {
					t.Fatalf("second run: %v", err)
				}
			}
			if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
				t.Errorf("differs from an uninterrupted sync (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKilledSyncResumes SIGKILLs a child process midway through a sync into
// a database file, then finishes the sync in this process.
func TestKilledSyncResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	repos := []string{"acme/api", "acme/web"}
	dir := generate(t, genOptions{repos: repos, prs: 200, maxReviews: 4, seed: 9})
	want := reference(t, dir, repos...)
	var (
		mu    sync.Mutex
		child *exec.Cmd
		once  sync.Once
	)
	srv := startServer(t, dir, githubtest.Options{Hook: func(_ string, n int) {
		if n == 150 {
			once.Do(func() {
				mu.Lock()
				defer mu.Unlock()
				child.Process.Signal(syscall.SIGKILL)
			})
		}
	}})
	db := filepath.Join(t.TempDir(), "kill.duckdb")
	mu.Lock()
	child = exec.Command(os.Args[0], "-test.run=^TestChildSync$")
	child.Env = append(os.Environ(), "SYSTEMIC_CHILD_DB="+db, "SYSTEMIC_CHILD_URL="+srv.URL)
	out, _ := os.CreateTemp(t.TempDir(), "child")
	child.Stdout, child.Stderr = out, out
	if err := child.Start(); err != nil {
		mu.Unlock()
		t.Fatal(err)
	}
	mu.Unlock()
	err := child.Wait()
	if err == nil {
		b, _ := os.ReadFile(out.Name())
		t.Fatalf("child finished before the kill:\n%s", b)
	}
	t.Logf("child: %v after %d requests", err, srv.Total())
	st := openStore(t, db)
	if n := count(t, st, `SELECT count(*) FROM pull_requests`); n == 0 || n == 400 {
		t.Logf("killed child had stored %d of 400 PRs", n)
	}
	if _, err := syncOnce(context.Background(), t, sourceConfig(srv.URL, repos...), st, connectors.Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("differs from an uninterrupted sync (-want +got):\n%s", diff)
	}
}

// TestChildSync is the child of TestKilledSyncResumes; it does nothing
// unless started by it.
func TestChildSync(t *testing.T) {
	db, url := os.Getenv("SYSTEMIC_CHILD_DB"), os.Getenv("SYSTEMIC_CHILD_URL")
	if db == "" {
		t.Skip("only runs as TestKilledSyncResumes' child")
	}
	st := openStore(t, db)
	syncOnce(context.Background(), t, sourceConfig(url, "acme/api", "acme/web"), st, connectors.Options{})
	time.Sleep(time.Minute) // the parent kills us before
}
