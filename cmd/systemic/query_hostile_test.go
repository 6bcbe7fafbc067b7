package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixtureSecrets are the real names, emails, logins and account ids of the
// query fixture (internal/query/testdata/fixture.sql), lowercased.
var fixtureSecrets = []string{"alice", "bob", "carol", "dave", "acme.test", "stone", "dito", "renovate"}

// TestQueryPrivacyByReach runs, without --names, the SQL that reached real
// names when results were pseudonymised after the fact: no output holds
// one, and the pseudonyms are those of the named questions.
func TestQueryPrivacyByReach(t *testing.T) {
	db := queryDB(t)
	hostile := []string{
		"SELECT to_json(p) FROM people p",
		"SELECT upper(display_name) FROM people",
		"SELECT string_agg(email, ',') FROM people",
		"SELECT p::VARCHAR FROM identities p",
		"SELECT concat(login, ' ') FROM identities",
		"SELECT display_name AS team_name, login AS title FROM v_identity",
		"SELECT to_json(i) FROM v_items i",
		"SELECT list(external_id) FROM identities",
		"SELECT * FROM duckdb_databases()",
	}
	for _, q := range hostile {
		code, out, stderr := systemic(t, "--db", db, "query", q, "--format", "csv")
		if code != 0 {
			t.Errorf("%s: exit %d: %s", q, code, stderr)
		}
		for _, secret := range fixtureSecrets {
			if strings.Contains(strings.ToLower(out), secret) {
				t.Errorf("%s reaches %q without --names:\n%s", q, secret, out)
			}
		}
	}
	_, named, _ := systemic(t, "--db", db, "query", "review-load", "--format", "csv")
	_, raw, _ := systemic(t, "--db", db, "query", "SELECT reviewer FROM v_review_waits GROUP BY reviewer ORDER BY count(*) DESC LIMIT 1", "--format", "csv")
	top := strings.TrimSpace(strings.TrimPrefix(raw, "reviewer\n"))
	if !strings.HasPrefix(top, "person-") || !strings.Contains(named, top+",") {
		t.Errorf("raw SQL says %q, the named question:\n%s", top, named)
	}
	if code, out, _ := systemic(t, "--db", db, "query", "--names", "SELECT display_name FROM people ORDER BY 1 LIMIT 1"); code != 0 || !strings.Contains(out, "Alice Martin") {
		t.Errorf("--names: exit %d\n%s", code, out)
	}
}

// TestQuerySandbox runs statements that read files, reach the network or
// load extensions through the command line: each exits 2, saying it is not
// allowed in queries. SQL opening with a comment runs.
func TestQuerySandbox(t *testing.T) {
	db := queryDB(t)
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(secret, []byte("token\nhunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, names := range [][]string{nil, {"--names"}} {
		for _, q := range []string{
			"SELECT * FROM read_csv('" + secret + "')",
			"SELECT * FROM read_text('" + secret + "')",
			"SELECT * FROM read_blob('" + secret + "')",
			"SELECT * FROM glob('" + dir + "/*')",
			"SELECT * FROM read_parquet('" + filepath.Join(dir, "x.parquet") + "')",
			"SELECT * FROM read_csv('https://example.com/x.csv')",
			"SELECT * FROM read_parquet('s3://bucket/x.parquet')",
			"SELECT * FROM sqlite_scan('" + secret + "', 't')",
			"INSTALL sqlite",
			"LOAD sqlite",
			"ATTACH '" + filepath.Join(dir, "x.duckdb") + "'",
			"COPY (SELECT 1) TO '" + filepath.Join(dir, "out.csv") + "'",
			"SET enable_external_access = true",
			"RESET lock_configuration",
			"PRAGMA enable_profiling",
		} {
			code, out, stderr := systemic(t, append(append([]string{"--db", db, "query"}, names...), q)...)
			if code != 2 || !strings.Contains(stderr, "not allowed in queries") || strings.Contains(out, "hunter2") {
				t.Errorf("%v %s: exit %d, stderr %q; want 2, not allowed in queries", names, q, code, stderr)
			}
		}
	}
	tests := []cliCase{
		{"comment first", []string{"--db", db, "query", "-- items\nSELECT count(*) AS n FROM v_items", "--format", "csv"}, 0, "n\n4\n", ""},
		{"block comment", []string{"--db", db, "query", "/* items */ SELECT count(*) AS n FROM v_items", "--format", "csv"}, 0, "n\n4\n", ""},
		{"after dashes", []string{"--db", db, "query", "--format", "csv", "--", "-- items\nSELECT 2 AS n"}, 0, "n\n2\n", ""},
		{"flag typo stays a flag error", []string{"--db", db, "query", "--formt", "csv", "carryover"}, 2, "", "unknown flag: --formt"},
	}
	runCLI(t, tests)
}

// TestQueryStaleCopyWhileLocked: while a sync holds the database, a query
// without --names answers from the existing pseudonymised copy, saying so,
// rather than failing; with --names it says the database is in use.
func TestQueryStaleCopyWhileLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	db := queryDB(t)
	if code, _, stderr := systemic(t, "--db", db, "query", "carryover"); code != 0 {
		t.Fatalf("first query: exit %d: %s", code, stderr)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(db, later, later); err != nil { // the store changed since the copy
		t.Fatal(err)
	}
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
	code, out, stderr := systemic(t, "--db", db, "query", "carryover")
	if code != 0 || !strings.Contains(out, "PLAT-101") || !strings.Contains(stderr, "answering from the pseudonymised copy") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
	if code, _, stderr := systemic(t, "--db", db, "query", "--names", "carryover"); code != 1 || !strings.Contains(stderr, "in use") {
		t.Errorf("--names: exit %d: %s", code, stderr)
	}
}
