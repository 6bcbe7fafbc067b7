package config_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/config"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

var allEnv = env(map[string]string{"JIRA_EMAIL": "me@acme.com", "JIRA_API_TOKEN": "t1", "JIRA_PAT": "t2",
	"GITHUB_TOKEN": "t3", "GHES_TOKEN": "t4"})

func TestExampleLoads(t *testing.T) {
	data, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("/etc/systemic/systemic.yaml", data, allEnv)
	if err != nil {
		t.Fatalf("config.example.yaml does not load: %v", err)
	}
	if got, want := len(cfg.Sources), 4; got != want {
		t.Errorf("sources = %d, want %d", got, want)
	}
	if got := cfg.Sources[0].Auth.Token; got != "t1" {
		t.Errorf("env expansion: token = %q", got)
	}
	if got, want := cfg.Storage.Path, filepath.FromSlash("/etc/systemic/systemic.duckdb"); got != want {
		t.Errorf("storage.path = %q, want %q (relative to the file)", got, want)
	}
	if got := cfg.Sources[0].Overlap.D().Hours(); got != 1 {
		t.Errorf("overlap = %vh", got)
	}
	if got := cfg.Thresholds.BlockedMax.D().Hours(); got != 48 {
		t.Errorf("thresholds.blocked = %vh, want 48", got)
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{
			name: "missing env var names file, line, field and variable",
			yaml: `sources:
  - name: gh
    kind: github
    auth:
      token: "${GITHUB_TOKEN}"
    repos: [acme/api]
`,
			want: []string{"systemic.yaml:5: sources[0].auth.token: environment variable GITHUB_TOKEN is not set; export it before running systemic"},
		},
		{
			name: "a memory limit that is not a size",
			yaml: `storage: {memory_limit: "1GB'; DROP TABLE items; --"}
sources:
  - {name: gh, kind: github, auth: {token: abc}, repos: [acme/api]}
`,
			want: []string{`systemic.yaml:1: storage.memory_limit: "1GB'; DROP TABLE items; --" is not a memory size; give one such as 512MB or 2GiB`},
		},
		{
			name: "unknown keys are errors, each with its line",
			yaml: `storage: {path: x.duckdb}
sources:
  - name: gh
    kind: github
    auth: {tokn: abc, token: abc}
    repos: [acme/api]
teamz: []
`,
			want: []string{
				`systemic.yaml:5: unknown key "tokn" in auth; check its spelling against config.example.yaml`,
				`systemic.yaml:7: unknown key "teamz" in config; check its spelling against config.example.yaml`,
			},
		},
		{
			name: "every problem at once",
			yaml: `sources:
  - name: j
    kind: jira
    url: "ftp://x"
    auth: {email: a@b.c}
  - name: j
    kind: gitlab
    url: https://gitlab.com
calendar:
  timezone: Mars/Olympus
  day_start: "9am"
`,
			want: []string{
				`systemic.yaml:4: sources[0].url: "ftp://x" is not an http(s) URL`,
				`systemic.yaml:5: sources[0].auth: Jira Cloud needs both email and token (an API token from id.atlassian.com)`,
				`systemic.yaml:2: sources[0].jql: missing; give a jql (e.g. "project in (PLAT, GROW)") or a projects list`,
				`systemic.yaml:6: sources[1].name: "j" is used by another source; names must be unique`,
				`systemic.yaml:7: sources[1].kind: "gitlab" is not a source kind; use jira or github`,
				`systemic.yaml:10: calendar.timezone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Berlin)`,
				`systemic.yaml:11: calendar.day_start: "9am": use HH:MM, e.g. 09:00`,
			},
		},
		{
			name: "github api is graphql or rest",
			yaml: `sources:
  - {name: gh, kind: github, url: "https://api.github.com", auth: {token: x}, repos: [acme/api], api: soap}
`,
			want: []string{`systemic.yaml:2: sources[0].api: "soap": use graphql or rest (or leave it out: graphql where the server has it)`},
		},
		{
			name: "bad duration and date",
			yaml: `sources:
  - {name: gh, kind: github, auth: {token: x}, repos: [acme/api], since: 2025-13-01}
thresholds:
  blocked: two days
`,
			want: []string{
				`systemic.yaml:2: invalid date "2025-13-01" (use YYYY-MM-DD)`,
				`systemic.yaml:4: invalid duration "two days" (use e.g. 90m, 36h, 2d, 1w)`,
			},
		},
		{
			name: "several bad thresholds and fields, in a stable order",
			yaml: `sources:
  - {name: j, kind: jira, url: "https://x", auth: {bearer: b}, projects: [P], fields: {story_points: sp, sprint: s, flagged: f}}
thresholds: {wip_per_person: -1, carry_over: -2, min_sample: -3, scope_churn: 2, aging_percentile: 1.5}
calendar: {day_start: "9", day_end: "5"}
`,
			want: []string{
				`systemic.yaml:2: sources[0].fields.flagged: "f": use auto or a field id like customfield_10016`,
				`systemic.yaml:2: sources[0].fields.sprint: "s": use auto or a field id like customfield_10016`,
				`systemic.yaml:2: sources[0].fields.story_points: "sp": use auto or a field id like customfield_10016`,
				`systemic.yaml:3: thresholds.carry_over: -2 is negative`,
				`systemic.yaml:3: thresholds.min_sample: -3 is negative`,
				`systemic.yaml:3: thresholds.wip_per_person: -1 is negative`,
				`systemic.yaml:3: thresholds.aging_percentile: 1.5: use a fraction between 0 and 1`,
				`systemic.yaml:3: thresholds.scope_churn: 2: use a fraction between 0 and 1`,
				`systemic.yaml:4: calendar.day_start: "9": use HH:MM, e.g. 09:00`,
				`systemic.yaml:4: calendar.day_end: "5": use HH:MM, e.g. 09:00`,
			},
		},
		{
			name: "empty file",
			yaml: "",
			want: []string{"systemic.yaml: the file is empty; start from config.example.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("systemic.yaml", []byte(tt.yaml), env(nil))
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestDurations(t *testing.T) {
	for in, want := range map[string]float64{"90m": 1.5, "36h": 36, "2d": 48, "1w": 168, "1.5d": 36} {
		d, err := config.ParseDuration(in)
		if err != nil || d.Hours() != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %vh", in, d, err, want)
		}
	}
	if _, err := config.ParseDuration("-2d"); err == nil || !strings.Contains(err.Error(), "invalid duration") {
		t.Errorf("negative duration accepted: %v", err)
	}
}

// TestParseOffline: a command that only reads the store loads a config
// whose credential variables are unset; everything else stays strict.
func TestParseOffline(t *testing.T) {
	creds := `sources:
  - {name: j, kind: jira, url: "https://acme.atlassian.net", projects: [PLAT],
     auth: {email: "${JIRA_EMAIL}", token: "${JIRA_API_TOKEN}"}}
  - {name: gh, kind: github, auth: {token: "${GITHUB_TOKEN}"}, repos: [acme/api]}
`
	cfg, err := config.ParseOffline("systemic.yaml", []byte(creds), env(map[string]string{"JIRA_EMAIL": "me@acme.com"}))
	if err != nil {
		t.Fatalf("offline load refused unset credentials: %v", err)
	}
	if diff := cmp.Diff([][]string{{"JIRA_API_TOKEN"}, {"GITHUB_TOKEN"}},
		[][]string{cfg.Sources[0].Auth.Unset, cfg.Sources[1].Auth.Unset}); diff != "" {
		t.Errorf("Auth.Unset (-want +got):\n%s", diff)
	}
	if _, err := config.Parse("systemic.yaml", []byte(creds), env(nil)); err == nil ||
		!strings.Contains(err.Error(), "sources[0].auth.token: environment variable JIRA_API_TOKEN is not set") {
		t.Errorf("strict load: err = %v, want the unset token named", err)
	}
	strict := []struct{ name, yaml, want string }{
		{"storage path", "storage: {path: \"${DATA_DIR}/s.duckdb\"}\n" + creds, "storage.path: environment variable DATA_DIR is not set"},
		{"url", strings.Replace(creds, "https://acme.atlassian.net", "${JIRA_URL}", 1), "sources[0].url: environment variable JIRA_URL is not set"},
		{"unknown key", creds + "teams:\n  - {name: platform, memebrs: [alice]}\n", `unknown key "memebrs"`},
		{"missing auth", "sources:\n  - {name: gh, kind: github, repos: [acme/api]}\n", "sources[0].auth.token: missing"},
	}
	for _, tt := range strict {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.ParseOffline("systemic.yaml", []byte(tt.yaml), env(nil))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestAuthNeverInJSON: config hashes (analysis runs) and dumps marshal the
// config to JSON; no credential may be in it.
func TestAuthNeverInJSON(t *testing.T) {
	cfg, err := config.Parse("systemic.yaml", []byte(`sources:
  - {name: gh, kind: github, auth: {token: "${GITHUB_TOKEN}"}, repos: [acme/api]}
`), env(map[string]string{"GITHUB_TOKEN": "ghp-secret-value"}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "ghp-secret-value") || !strings.Contains(string(b), "acme/api") {
		t.Errorf("config JSON holds the token or lost the source:\n%s", b)
	}
}
