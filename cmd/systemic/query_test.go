package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/store"
)

// queryDB builds the query package's hand-made organisation in a file.
func queryDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "q.duckdb")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	script, err := os.ReadFile("../../internal/query/testdata/fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(string(script)); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestQueryCommand(t *testing.T) {
	db := queryDB(t)
	out := filepath.Join(t.TempDir(), "export")
	tests := []cliCase{
		{"list", []string{"query", "--list"}, 0, "who-waits-on-whom", ""},
		{"views", []string{"--db", db, "query", "--views"}, 0, "v_items\n  every item", ""},
		{"views json", []string{"--db", db, "query", "--views", "--format", "json"}, 0, `"column": "assignee"`, ""},
		{"question", []string{"--db", db, "query", "review-load", "--team", "platform"}, 0, "person-", ""},
		{"names", []string{"--db", db, "query", "review-load", "--names", "--format", "csv"}, 0, "bob,platform,4", ""},
		{"period", []string{"--db", db, "query", "review-load", "--period", "2026-09", "--names", "--format", "csv"}, 0, "carol,growth,1", ""},
		{"show sql", []string{"query", "findings", "--pattern", "silo", "--show-sql"}, 0, `"pattern" := 'silo'`, ""},
		{"sql", []string{"--db", db, "query", "SELECT count(*) AS n FROM v_items", "--format", "json"}, 0, `"n": 4`, ""},
		{"sql words", []string{"--db", db, "query", "SELECT", "key", "FROM", "v_items", "ORDER", "BY", "key", "LIMIT", "1"}, 0, "GROW-201", ""},
		{"write refused", []string{"--db", db, "query", "DELETE FROM items"}, 2, "", "DELETE is not allowed in queries"},
		{"two statements", []string{"--db", db, "query", "SELECT 1; SELECT 2"}, 2, "", "one statement at a time"},
		{"bad sql", []string{"--db", db, "query", "SELECT nosuch FROM v_items"}, 2, "", "your SQL: "},
		{"unknown team", []string{"--db", db, "query", "review-load", "--team", "platfrom"}, 2, "", "--team platfrom: no such team (teams: growth, platform)"},
		{"unknown question", []string{"--db", db, "query", "review-lode"}, 2, "", `unknown question "review-lode"`},
		{"flag not taken", []string{"--db", db, "query", "aging-wip", "--pattern", "x"}, 2, "", "aging-wip does not take --pattern"},
		{"flag on sql", []string{"--db", db, "query", "SELECT 1 AS x", "--team", "a"}, 2, "", "--team applies to named questions"},
		{"bad period", []string{"--db", db, "query", "carryover", "--period", "octember"}, 2, "", "--period"},
		{"bad format", []string{"--db", db, "query", "carryover", "--format", "xml"}, 2, "", "--format"},
		{"nothing", []string{"--db", db, "query"}, 2, "", "name a question"},
		{"no database", []string{"--db", filepath.Join(t.TempDir(), "none.duckdb"), "query", "carryover"}, 2, "", "no database at"},
		{"export", []string{"--db", db, "export", "--out", out, "--names"}, 0, "item_events", ""},
		{"export needs consent", []string{"--db", db, "export", "--out", out}, 2, "", "pass --names to confirm"},
		{"export format", []string{"--db", db, "export", "--format", "csv", "--out", out}, 2, "", "only parquet"},
		{"export out", []string{"--db", db, "export"}, 2, "", "--out DIR is required"},
		{"export shard", []string{"--db", db, "export", "--out", out, "--names", "--shard", "x/y"}, 2, "", "--shard: shard \"x/y\""},
	}
	runCLI(t, tests)
	var m struct{ Tables []struct{ Name string } }
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil || len(m.Tables) == 0 {
		t.Errorf("manifest: %v, %d tables", err, len(m.Tables))
	}
}

// TestHoldDatabase is not a test: TestQueryLockedDatabase runs the test
// binary with it to hold the database in another process, as a sync does.
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

func TestQueryLockedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	db := queryDB(t)
	holder := exec.Command(os.Args[0], "-test.run=^TestHoldDatabase$")
	holder.Env = append(os.Environ(), "SYSTEMIC_HOLD_DB="+db)
	stdin, _ := holder.StdinPipe()
	stdout, _ := holder.StdoutPipe()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); holder.Wait() }()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); !strings.Contains(line, "holding") {
		t.Fatalf("helper said %q", line)
	}
	for _, args := range [][]string{{"query", "carryover"}, {"export", "--out", t.TempDir(), "--names"}} {
		code, _, stderr := systemic(t, append([]string{"--db", db}, args...)...)
		if code != 1 || !strings.Contains(stderr, "database "+db+" is in use by another process") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and the in-use message naming the file", args, code, stderr)
		}
		if n := strings.Count(stderr, "in use"); n != 1 {
			t.Errorf("%v: the in-use message is said %d times:\n%s", args, n, stderr)
		}
	}
}
