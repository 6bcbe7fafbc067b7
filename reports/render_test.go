package reports_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/reports"
)

const evil = `<script>alert(1)</script>`

// hostile is a report whose every piece of tracker or plan text tries to
// inject markup.
func hostile() *reports.Report {
	r := &reports.Report{SchemaVersion: 1, Title: "Report " + evil,
		Period:   reports.PeriodInfo{From: "2026-10-01", To: "2026-11-01", Label: "2026-10"},
		Headline: reports.Headline{Goals: map[string]int{"on track": 1}, Findings: map[string]int{"warn": 1}},
		Findings: []reports.Finding{{Rank: 1, Layer: "content", Pattern: "stalled_commitment", Severity: "warn",
			Team: "growth" + evil, SubjectKind: "team", Subject: "growth" + evil, Summary: "summary " + evil,
			Evidence: analysis.Evidence{Items: []analysis.EvidenceItem{
				{Key: "GROW-1" + evil, URL: "javascript:alert(1)"},
				{Key: "GROW-2", URL: "https://acme.atlassian.net/browse/GROW-2?a=1&b=\"x\""},
				{Key: "GROW-3", URL: "JavaScript:alert(2)"},
				{Key: "GROW-4", URL: "data:text/html,<script>alert(3)</script>"},
			}}}},
	}
	r.Plan.Goals = []reports.GoalResult{{ID: "g" + evil, Title: "Goal " + evil, Team: "growth", Due: "2026-12-01",
		Verdict: "on track", Reason: "because " + evil,
		Forecast: reports.Simulate(3, []int{1, 2}, 100, 1, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))}}
	r.Plan.Warnings = []string{"warning " + evil}
	r.Coverage.Sources = []reports.SourceInfo{{Name: "jira" + evil, Kind: "jira", Status: "failed", Error: "error " + evil}}
	r.Coverage.NotMeasured = []string{"not measured " + evil}
	r.Interaction.ReviewWaits = []reports.ReviewWaits{{Team: "team" + evil, N: 1, Buckets: []int{1, 0, 0, 0, 0}}}
	r.Interaction.DependencyWaits = []reports.PairWait{{Waiting: "a" + evil, Blocking: "b", Items: 1, Hours: 3}}
	return r
}

func TestHTMLEscapesTrackerText(t *testing.T) {
	out, err := reports.HTML(hostile())
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("the page contains a <script> element")
	}
	if !strings.Contains(page, "summary &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the finding summary is not shown as escaped text")
	}
	for _, bad := range []string{`href="javascript`, `href="JavaScript`, `href="data:`, `href="#ZgotmplZ"`} {
		if strings.Contains(page, bad) {
			t.Errorf("page has a link %s", bad)
		}
	}
	if !strings.Contains(page, `href="https://acme.atlassian.net/browse/GROW-2?a=1&amp;b=%22x%22"`) {
		t.Error("the https evidence link is missing")
	}
	if !strings.Contains(page, "GROW-1&lt;script&gt;") {
		t.Error("the javascript: evidence is not shown as plain text")
	}
}

func TestMarkdownEscapesTrackerText(t *testing.T) {
	page := string(reports.Markdown(hostile()))
	if strings.Contains(page, "<script") {
		t.Error("the Markdown contains a raw <script>")
	}
	if strings.Contains(page, "](javascript") || strings.Contains(page, "](<javascript") || strings.Contains(page, "data:text") {
		t.Error("the Markdown links a javascript: or data: URL")
	}
	if !strings.Contains(page, "[GROW-2](<https://acme.atlassian.net/browse/GROW-2?a=1&b=%22x%22>)") {
		t.Errorf("the https link is missing:\n%s", page)
	}
}

func TestSimulateIsDeterministic(t *testing.T) {
	asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	hist := []int{0, 3, 1, 4, 2, 0, 5, 2, 1, 3, 2, 2}
	a := reports.Simulate(40, hist, 10000, 42, asOf)
	b := reports.Simulate(40, hist, 10000, 42, asOf)
	if a.P50 != b.P50 || a.P85 != b.P85 || a.P10 != b.P10 || a.P95 != b.P95 {
		t.Errorf("same seed, different forecasts: %+v vs %+v", a, b)
	}
	if !(a.WeeksP10 <= a.WeeksP50 && a.WeeksP50 <= a.WeeksP85 && a.WeeksP85 <= a.WeeksP95) {
		t.Errorf("percentiles out of order: %+v", a)
	}
	// 40 items at 25 items per 12 weeks: about 19 weeks.
	if a.WeeksP50 < 16 || a.WeeksP50 > 23 {
		t.Errorf("P50 = %d weeks, want about 19", a.WeeksP50)
	}
	if reports.Simulate(5, []int{0, 0, 0}, 100, 1, asOf) != nil {
		t.Error("a forecast from zero throughput")
	}
}

func TestGoalVerdicts(t *testing.T) {
	// A steady 2 items a week makes every trial take exactly remaining/2
	// weeks, so the dates are known: as of Nov 1, 4 items are done Nov 15.
	tests := []struct {
		name      string
		done, all int
		due       string
		want      string
	}{
		{"done", 4, 4, "2026-11-10", reports.Done},
		{"on track", 0, 4, "2026-11-20", reports.OnTrack},
		{"on the due day", 0, 4, "2026-11-15", reports.OnTrack},
		{"off track", 0, 4, "2026-11-10", reports.OffTrack},
		{"due passed", 0, 4, "2026-10-20", reports.OffTrack},
		{"no scope", 0, 0, "2026-11-20", reports.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newFixture(t)
			sqlExec(t, st, `DELETE FROM items WHERE team = 'growth' AND key <> 'GROW-100'`)
			for w := 0; w < 12; w++ {
				for k := 0; k < 2; k++ {
					r := fxTo.AddDate(0, 0, -7*w-1).Add(time.Duration(k) * time.Hour)
					item(t, st, keyOf("GROW-H", w*2+k), "growth", "history", "issue", "GROW", "", "[]", r.AddDate(0, 0, -5), &r, 1)
				}
			}
			for i := 0; i < tt.all; i++ {
				var res *time.Time
				if i < tt.done {
					r := oct(10, 9)
					res = &r
				}
				item(t, st, keyOf("GROW-G", i), "growth", "goal work", "issue", "GROW", "GROW-100", "[]", oct(1, 9), res, 1)
			}
			opts := fixtureOptions(t, t.TempDir())
			opts.Plan.Goals = opts.Plan.Goals[:1]
			due, _ := time.Parse(time.DateOnly, tt.due)
			opts.Plan.Goals[0].Due.Time = due
			opts.Plan.Goals[0].Scope.Labels = nil
			r, err := reports.Build(context.Background(), st, opts)
			if err != nil {
				t.Fatal(err)
			}
			g := r.Plan.Goals[0]
			if g.Verdict != tt.want {
				t.Errorf("verdict %q (%s), want %q", g.Verdict, g.Reason, tt.want)
			}
		})
	}
}

func keyOf(prefix string, i int) string {
	return prefix + "-" + string(rune('A'+i/26)) + string(rune('A'+i%26))
}

// TestMarkdownCountsInWords: a count of one is singular ("last 1 period").
func TestMarkdownCountsInWords(t *testing.T) {
	r := hostile()
	v := 2.0
	r.Health = reports.Health{Periods: []string{"2026-10"},
		Series: []reports.HealthSeries{{Team: "growth", Metric: "throughput", Label: "Throughput", Values: []*float64{&v}}}}
	page := string(reports.Markdown(r))
	if !strings.Contains(page, "### Health, last 1 period\n") {
		t.Errorf("no singular health heading in:\n%s", page)
	}
}
