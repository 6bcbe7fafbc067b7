package analysis_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
)

// TestEnsureLeavesWindowPrepared: the derived facts that depend on the
// window (env_now(), the work in progress per day) hold the last window
// prepared. Ensure with LeavePrepared reuses a stored run and still leaves
// them as an analysis of its window does; when they are already prepared
// for it, it leaves them alone; without it, a reused run changes nothing.
func TestEnsureLeavesWindowPrepared(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.person("ann", "core")
	f.inProgress("ann", "core", "CORE", 1, 3) // in progress from fxBase
	f.status("CORE-1", f.at(20, 9), "In Progress", "Done", "ann")
	st := f.commit()
	// now inside the later window: v_wip's days and env_now() end there
	later := analysis.Options{Env: analysis.Env{From: f.at(14, 0), To: f.at(28, 0), Now: f.at(21, 12)}, ConfigHash: "h"}
	earlier := analysis.Options{Env: analysis.Env{From: f.at(0, 0), To: f.at(14, 0), Now: f.at(21, 12)}, ConfigHash: "h"}
	state := func(t *testing.T) string {
		t.Helper()
		var now time.Time
		if err := st.DB().QueryRowContext(ctx, "SELECT env_now()").Scan(&now); err != nil {
			t.Fatal(err)
		}
		var wip string
		if err := st.DB().QueryRowContext(ctx, `SELECT coalesce(string_agg(person || ' ' || day || ' ' || items, ', ' ORDER BY person, day), '')
FROM v_wip`).Scan(&wip); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("as of %s: %s", now.UTC().Format(time.RFC3339), wip)
	}
	preparedAt := func(t *testing.T) time.Time {
		t.Helper()
		var at time.Time
		if err := st.DB().QueryRowContext(ctx, `SELECT built_at FROM derived_builds WHERE name = '_window'`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	ensure := func(t *testing.T, opts analysis.Options, leave, cached bool) {
		t.Helper()
		opts.LeavePrepared = leave
		run, err := analysis.Ensure(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		if run.Cached != cached {
			t.Fatalf("%s: cached %v, want %v (%s)", run.ID, run.Cached, cached, run.Why)
		}
	}
	ensure(t, later, false, false)
	want := state(t)
	if !strings.Contains(want, "2026-11-23") {
		t.Fatalf("v_wip of the later window lacks its days: %s", want)
	}
	ensure(t, earlier, false, false)
	if got := state(t); got == want {
		t.Fatalf("analysing the earlier window left the later one's facts: %s", got)
	}
	ensure(t, later, false, true)
	if got := state(t); got == want {
		t.Errorf("a reused run without LeavePrepared prepared its window")
	}
	ensure(t, later, true, true)
	if got := state(t); got != want {
		t.Errorf("after a reused run with LeavePrepared:\n got %s\nwant %s", got, want)
	}
	at := preparedAt(t)
	ensure(t, later, true, true)
	if again := preparedAt(t); !again.Equal(at) {
		t.Errorf("prepared again (%v, then %v) for the window it was prepared for", at, again)
	}
	// a read-only reader cannot prepare: it says so rather than read
	// another window's facts
	ensure(t, earlier, true, true)
	ro := readOnlyCopy(t, st)
	_, err := analysis.Ensure(ctx, ro, analysis.Options{Env: later.Env, ConfigHash: "h", LeavePrepared: true})
	if err == nil || !strings.Contains(err.Error(), "prepared for another window") {
		t.Errorf("read-only Ensure with the facts of another window: %v", err)
	}
}

// readOnlyCopy checkpoints st's database into a file and opens it
// read-only.
func readOnlyCopy(t *testing.T, st *store.Store) *store.Store {
	t.Helper()
	ctx := context.Background()
	path := t.TempDir() + "/copy.duckdb"
	if _, err := st.DB().ExecContext(ctx, fmt.Sprintf("ATTACH '%s' AS cp; COPY FROM DATABASE memory TO cp; DETACH cp", path)); err != nil {
		t.Fatal(err)
	}
	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro
}

// TestWindowFacts: a read-only reader's statements put TEMP views in
// front of exactly the derived facts that depend on the as-of time,
// directly or through another, the per-window tables included, after the
// TEMP macros they read; never in front of a stable table.
func TestWindowFacts(t *testing.T) {
	stmts := analysis.WindowFacts(&analysis.Env{Now: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)})
	var views []string
	macros := 0
	for _, s := range stmts {
		switch {
		case strings.HasPrefix(s, "CREATE OR REPLACE TEMP MACRO"):
			if len(views) > 0 {
				t.Errorf("a macro after the views: %.60s", s)
			}
			macros++
		case strings.HasPrefix(s, "CREATE OR REPLACE TEMP VIEW "):
			views = append(views, strings.Fields(s)[5])
		default:
			t.Errorf("not a TEMP macro or view: %.60s", s)
		}
	}
	if macros == 0 || !strings.Contains(strings.Join(stmts, "\n"), "TIMESTAMPTZ '2026-10-01") {
		t.Errorf("no TEMP env_now() of the as-of time among %d macros", macros)
	}
	// a window that ended before now: as of its end, as its analysis
	ended := analysis.WindowFacts(&analysis.Env{From: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)})
	if !strings.Contains(strings.Join(ended, "\n"), "env_now() AS TIMESTAMPTZ '2026-09-01") {
		t.Errorf("the facts of a window that ended before now are not as of its end")
	}
	want := []string{"v_review_waits", "v_status_intervals", "v_wip", "v_carryover", "v_sprint_commitment", "v_blocked", "v_decisions", "v_dependency_waits"}
	for _, name := range want {
		if !slices.Contains(views, name) {
			t.Errorf("no TEMP view of %s (it reads env_now()); views: %v", name, views)
		}
	}
	for _, name := range views {
		if strings.HasSuffix(name, "_stable") || name == "v_items" || name == "v_identity" {
			t.Errorf("a TEMP view of %s, which does not depend on the as-of time", name)
		}
	}
}
