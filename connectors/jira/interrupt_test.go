package jira

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/store"
)

// interruptSpec is a dataset of five search pages.
var interruptSpec = genSpec{Issues: 450, Histories: 10, Cloud: true, Seed: 9}

// reference syncs dir once, uninterrupted, and returns the content hash.
func reference(t *testing.T, dir string) map[string]string {
	t.Helper()
	srv := startServer(t, dir, jiratest.Options{})
	st := openStore(t)
	runSync(t, st, testConfig(srv.URL, "PLAT", "APP"), testOptions(t))
	return contentHash(t, st)
}

func TestInterruptedSyncResumes(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), interruptSpec)
	want := reference(t, dir)
	const search = "/rest/api/2/search/jql"
	st := openStore(t)
	tests := []struct {
		name  string
		fault func(cancel context.CancelFunc) jiratest.Options
	}{
		{"server fails from page 3", func(context.CancelFunc) jiratest.Options {
			return jiratest.Options{Rules: []jiratest.Rule{{Path: search, Nth: 3, Count: 1000, Status: http.StatusInternalServerError}}}
		}},
		{"context cancelled between pages", func(cancel context.CancelFunc) jiratest.Options {
			return jiratest.Options{Hook: func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.URL.Path == search && n == 3 {
					// The fetcher reads ahead of the writer: cancel once a page is stored.
					for i := 0; i < 500 && count(t, st, `SELECT count(*) FROM items`) == 0; i++ {
						time.Sleep(10 * time.Millisecond)
					}
					cancel()
				}
				return false
			}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			st = openStore(t)
			faulty := startServer(t, dir, tt.fault(cancel))
			cfg := testConfig(faulty.URL, "PLAT", "APP")
			src, _ := New(cfg)
			if _, err := src.Sync(ctx, st, testOptions(t)); err == nil {
				t.Fatal("interrupted sync succeeded")
			}
			stored := count(t, st, `SELECT count(*) FROM items`)
			if stored == 0 || stored >= interruptSpec.Issues {
				t.Errorf("interrupted sync stored %d items, want some but not all", stored)
			}
			clean := startServer(t, dir, jiratest.Options{})
			cfg.URL = clean.URL
			runSync(t, st, cfg, testOptions(t))
			if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
				t.Errorf("resumed content differs from an uninterrupted run (-want +got)\n%s", diff)
			}
		})
	}
}

// TestKilledSyncResumes kills a child process running a sync (SIGKILL, on
// the third search page, with pages already committed to a database file)
// and checks that a re-run ends with the content of an uninterrupted run.
func TestKilledSyncResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := writeDataset(t, t.TempDir(), interruptSpec)
	want := reference(t, dir)
	var mu sync.Mutex
	var child *exec.Cmd
	var killed atomic.Bool
	srv := startServer(t, dir, jiratest.Options{Hook: func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path != "/rest/api/2/search/jql" || n != 3 || killed.Load() {
			return false
		}
		time.Sleep(500 * time.Millisecond) // let the child commit the pages it read
		mu.Lock()
		defer mu.Unlock()
		if child != nil && child.Process != nil {
			killed.Store(true)
			child.Process.Kill() // SIGKILL
		}
		return false
	}})
	db := filepath.Join(t.TempDir(), "sync.duckdb")
	mu.Lock()
	child = exec.Command(os.Args[0], "-test.run=^TestHelperSyncChild$", "-test.count=1")
	child.Env = append(os.Environ(), "JIRA_CHILD_URL="+srv.URL, "JIRA_CHILD_DB="+db)
	out := &strings.Builder{}
	child.Stdout, child.Stderr = out, out
	if err := child.Start(); err != nil {
		mu.Unlock()
		t.Fatal(err)
	}
	mu.Unlock()
	err := child.Wait()
	if !killed.Load() || err == nil {
		t.Fatalf("child was not killed (err %v): %s", err, out)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := count(t, st, `SELECT count(*) FROM items`)
	t.Logf("killed child left %d items", stored)
	runSync(t, st, testConfig(srv.URL, "PLAT", "APP"), testOptions(t))
	if diff := cmp.Diff(want, contentHash(t, st)); diff != "" {
		t.Errorf("content after kill and re-run differs (-want +got)\n%s", diff)
	}
}

// TestHelperSyncChild is the child process of TestKilledSyncResumes.
func TestHelperSyncChild(t *testing.T) {
	url, db := os.Getenv("JIRA_CHILD_URL"), os.Getenv("JIRA_CHILD_DB")
	if url == "" {
		t.Skip("child process only")
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runSync(t, st, testConfig(url, "PLAT", "APP"), testOptions(t))
	time.Sleep(time.Minute) // not reached when killed on page 3
}

// TestWriteErrorStopsFetcher fails the store while the fetcher reads ahead
// and checks that Sync returns only once the fetcher has stopped.
func TestWriteErrorStopsFetcher(t *testing.T) {
	dir := writeDataset(t, t.TempDir(), interruptSpec)
	st := openStore(t)
	srv := startServer(t, dir, jiratest.Options{Hook: func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path == "/rest/api/2/search/jql" && n == 2 {
			st.DB().Close() // the writer's next transaction fails
		}
		return false
	}})
	src, _ := New(testConfig(srv.URL, "PLAT", "APP"))
	if _, err := src.Sync(context.Background(), st, testOptions(t)); err == nil {
		t.Fatal("sync with a closed store succeeded")
	}
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "(*run).fetch") {
		t.Errorf("the page fetcher outlived Sync:\n%s", stacks)
	}
}
