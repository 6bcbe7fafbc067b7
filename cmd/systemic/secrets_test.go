package main

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/connectors/github/githubtest"
	"github.com/systemic-dev/systemic/connectors/jira/jiratest"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/synth"
)

const (
	plantedJira   = "jira-PLANTED-7f3a9c41"
	plantedGitHub = "ghp_PLANTED91b2e4d7"
)

// TestTokensNeverLeak plants known tokens in the environment the config's
// auth reads, syncs, analyses, reports, queries and exports with debug
// logs, then looks for the tokens in every output, log line, error
// message, report, export file and the database files. A token written
// into a source url is refused by every command without being repeated.
func TestTokensNeverLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs a generated organisation")
	}
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 2, 6
	dir := t.TempDir()
	org, err := demoorg.Start(dir, spec, demoorg.Options{
		Jira:   jiratest.Options{Email: "demo@" + spec.Domain, Token: plantedJira},
		GitHub: githubtest.Options{Token: plantedGitHub}})
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	t.Setenv("PLANTED_JIRA_TOKEN", plantedJira)
	t.Setenv("PLANTED_GITHUB_TOKEN", plantedGitHub)
	cfg := plantTokens(t, org.Config)

	var logs bytes.Buffer
	db := filepath.Join(dir, "s.duckdb")
	from, to := spec.Start().Format(time.DateOnly), spec.End.AddDate(0, 0, -1).Format(time.DateOnly)
	out, export := filepath.Join(dir, "reports"), filepath.Join(dir, "export")
	for _, args := range [][]string{
		{"sync"},
		{"analyze", "--from", from, "--to", to},
		{"report", "--from", from, "--to", to, "--out", out},
		{"query", "SELECT * FROM sources"},
		{"query", "--names", "SELECT * FROM sources"},
		{"export", "--out", export, "--names"},
		{"validate"},
	} {
		code, stdout, stderr := systemic(t, append([]string{"--config", cfg, "--db", db, "--log-level", "debug", "--no-progress"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
		logs.WriteString(stdout + stderr)
	}
	noToken(t, "output and debug logs", logs.Bytes())
	for _, root := range []string{dir} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path == cfg {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			noToken(t, path, b)
			return nil
		})
	}
	for _, name := range []string{"s.duckdb", "s.pseudonymised.duckdb", "reports/report.html", "export/manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("nothing was written to look into: %v", err)
		}
	}
}

// TestURLTokenRefused: a token in a source url stops every command that
// loads the config, with exit 2 and a message pointing at auth that does
// not repeat it.
func TestURLTokenRefused(t *testing.T) {
	t.Setenv("PLANTED_GITHUB_TOKEN", plantedGitHub)
	cfg := filepath.Join(t.TempDir(), "systemic.yaml")
	yaml := "sources:\n  - name: gh\n    kind: github\n    url: \"https://x-access-token:${PLANTED_GITHUB_TOKEN}@api.github.test\"\n" +
		"    auth: {token: \"${PLANTED_GITHUB_TOKEN}\"}\n    repos: [acme/api]\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"validate"}, {"sync"}, {"run", "--period", "2026-10"}, {"query", "carryover"}} {
		code, stdout, stderr := systemic(t, append([]string{"--config", cfg, "--log-level", "debug"}, args...)...)
		want := "systemic.yaml:4: sources[0].url: https://api.github.test holds a user name or password; put credentials in auth"
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", args, code, stderr, want)
		}
		noToken(t, strings.Join(args, " "), []byte(stdout+stderr))
	}
}

// plantTokens rewrites the generated config so each source's token comes
// from the environment.
func plantTokens(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lit := `token: "` + synth.DemoToken + `"`
	s := strings.Replace(string(b), lit, `token: "${PLANTED_JIRA_TOKEN}"`, 1)
	s = strings.Replace(s, lit, `token: "${PLANTED_GITHUB_TOKEN}"`, 1)
	if strings.Contains(s, lit) || !strings.Contains(s, "PLANTED_GITHUB_TOKEN") {
		t.Fatalf("config does not have the two literal tokens expected:\n%s", b)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func noToken(t *testing.T, where string, b []byte) {
	t.Helper()
	basic := base64.StdEncoding.EncodeToString([]byte("demo@" + synth.DefaultSpec().Domain + ":" + plantedJira))
	for _, secret := range []string{plantedJira, plantedGitHub, "PLANTED", basic} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds %q", where, secret)
		}
	}
}
