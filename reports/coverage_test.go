package reports_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/reports"
)

// TestEverySourceFailedOnTheFirstScreen: when the last sync of every
// source failed, the report says so before anything else (the HTML
// headline area, the top of the Markdown, headline.coverage in JSON), and
// "last sync" is each source's last successful one, with the failed
// attempt beside it.
func TestEverySourceFailedOnTheFirstScreen(t *testing.T) {
	st := newFixture(t)
	sqlExec(t, st, `UPDATE sources SET last_status = 'failed', last_error = 'connection refused',
	last_attempt_at = TIMESTAMPTZ '2026-11-02 07:30:00+00', last_sync_at = TIMESTAMPTZ '2026-10-20 06:00:00+00' WHERE name = 'acme-jira'`)
	dir := t.TempDir()
	res, err := reports.Generate(context.Background(), st, fixtureOptions(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	const want = "incomplete data: acme-github: last sync failed; acme-jira: last sync failed"
	if r.Headline.Coverage != want || r.Coverage.Complete {
		t.Errorf("headline.coverage = %q (complete %v), want %q", r.Headline.Coverage, r.Coverage.Complete, want)
	}
	for _, s := range r.Coverage.Sources {
		if s.Name == "acme-jira" && (s.LastSyncAt != "2026-10-20 06:00 UTC" || s.LastAttemptAt != "2026-11-02 07:30 UTC" || !s.Stale) {
			t.Errorf("acme-jira: last sync %q, attempt %q, stale %v; want the success of 2026-10-20 06:00 UTC (before the period's end) and the failed attempt",
				s.LastSyncAt, s.LastAttemptAt, s.Stale)
		}
	}
	jira := "acme-jira: the last sync failed at 2026-11-02 07:30 UTC (connection refused); its data is from the last successful sync, 2026-10-20 06:00 UTC"
	for name, firstScreenEnd := range map[string]string{"report.html": `<section class="layer"`, "report.md": "## Content"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		top, _, _ := strings.Cut(string(b), firstScreenEnd)
		top, _, _ = strings.Cut(top, "At a glance") // before the plan's verdicts, too
		for _, s := range []string{"Incomplete data", jira, "acme-github: the last sync failed at 2026-11-02 07:00 UTC"} {
			if !strings.Contains(top, s) {
				t.Errorf("%s: the first screen does not say %q:\n%s", name, s, top)
			}
		}
	}
}
