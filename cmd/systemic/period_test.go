package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/synth"
)

// periodForms is every way to name a window on the command line.
var periodForms = [][]string{
	{"--period", "2026-10"}, {"--period", "2026-Q4"}, {"--period", "2026-W41"}, {"--period", "2026"},
	{"--period", "last-month"}, {"--period", "this-month"}, {"--period", "last-quarter"},
	{"--period", "this-quarter"}, {"--period", "last-week"}, {"--period", "this-week"},
	{"--period", "last-year"}, {"--period", "last-30d"}, {"--period", "last-12w"},
	{"--from", "2026-09-15", "--to", "2026-10-14"},
}

// tinyOrg serves a small generated organisation and returns its config
// and a database synced from it.
func tinyOrg(t *testing.T) (cfg, db string) {
	t.Helper()
	dir := t.TempDir()
	spec := synth.DefaultSpec()
	spec.Teams, spec.People, spec.Months, spec.ItemsPerTeamMonth, spec.PRsPerTeamMonth = 2, 4, 1, 1, 1
	org, err := demoorg.Start(dir, spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(org.Close)
	db = filepath.Join(dir, "systemic.duckdb")
	if code, _, stderr := systemic(t, "--config", org.Config, "--db", db, "--log-level", "error", "sync"); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	return org.Config, db
}

// TestEveryCommandTakesEveryPeriod: report, run, analyze and query read
// --period and --from/--to with one parser, into the same window.
func TestEveryCommandTakesEveryPeriod(t *testing.T) {
	cfg, db := tinyOrg(t)
	out := t.TempDir()
	forms := periodForms
	if testing.Short() { // the forms some commands refused before: run and analyze take a second each
		forms = forms[1:4]
	}
	for _, form := range forms {
		want := wantWindow(t, form)
		cmds := map[string]struct {
			args []string
			want []string
		}{
			"report":  {[]string{"report", "--format", "json", "--out", filepath.Join(out, "r")}, []string{"report " + want.Label + ": goals"}},
			"run":     {[]string{"run", "--format", "json", "--out", out}, []string{"analyzed " + want.Label + ":"}},
			"analyze": {[]string{"analyze"}, []string{"(" + want.Label + "):"}},
			"query": {[]string{"query", "review-load", "--show-sql"}, []string{
				`"from" := TIMESTAMPTZ '` + want.From.Format(time.RFC3339) + "'",
				`"to" := TIMESTAMPTZ '` + want.To.Format(time.RFC3339) + "'"}},
		}
		for name, c := range cmds {
			if (name == "report" || name == "run") && !slices.Contains([]string{"2026-Q4", "2026-W41", "2026", "2026-09-15"}, form[1]) {
				continue // each analyses seven windows: the forms refused before and --from/--to are enough there
			}
			t.Run(name+" "+strings.Join(form, " "), func(t *testing.T) {
				args := append(append([]string{"--config", cfg, "--db", db, "--log-level", "error"}, c.args...), form...)
				code, stdout, stderr := systemic(t, args...)
				if code != 0 {
					t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
				}
				for _, w := range c.want {
					if !strings.Contains(stdout, w) {
						t.Errorf("stdout lacks %q:\n%s", w, stdout)
					}
				}
			})
		}
	}
}

// wantWindow is the window a form names, as of now.
func wantWindow(t *testing.T, form []string) config.Window {
	t.Helper()
	var w config.Window
	var err error
	if form[0] == "--period" {
		w, err = config.ParsePeriod(form[1], time.Now())
	} else {
		w, err = config.ParseWindow(form[1], form[3])
	}
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestEveryCommandRefusesABadPeriod: one message, listing every form, for
// every command; exit 2.
func TestEveryCommandRefusesABadPeriod(t *testing.T) {
	db := queryDB(t)
	for _, cmd := range [][]string{{"report"}, {"run"}, {"analyze"}, {"query", "review-load"}} {
		t.Run(cmd[0], func(t *testing.T) {
			args := append(append([]string{"--config", deadConfig(t), "--db", db}, cmd...), "--period", "2026-W54")
			code, _, stderr := systemic(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, stderr)
			}
			for _, form := range []string{`period "2026-W54"`, "2026-Q4", "2026-W41", "(2026)", "last-quarter", "last-30d", "--from and --to"} {
				if !strings.Contains(stderr, form) {
					t.Errorf("stderr lacks %q:\n%s", form, stderr)
				}
			}
		})
	}
}
