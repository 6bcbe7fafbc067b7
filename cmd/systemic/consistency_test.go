package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
	"github.com/systemic-dev/systemic/reports"
)

// consistencyOrg is a synthetic organisation synced with `systemic sync`
// (nothing analysed: every report must analyse its own window).
type consistencyOrg struct {
	cfg, db string
	spec    synth.Spec
}

func newConsistencyOrg(t *testing.T) consistencyOrg {
	t.Helper()
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 7, 12
	cfg, db, _ := sharedCopy(t, "analysed ad hoc", spec, func(o *sharedOrg) error {
		// An ad hoc analysis of its default 90 days, as a user would run
		// it: no report may show its results for another window.
		return o.cli("analyze", "--to", spec.End.AddDate(0, 0, -1).Format(time.DateOnly))
	})
	return consistencyOrg{cfg: cfg, db: db, spec: spec}
}

// report runs `systemic report` with the window flags and reads back
// report.json and report.md.
func (o consistencyOrg) report(t *testing.T, window ...string) (*reports.Report, string) {
	t.Helper()
	out := t.TempDir()
	args := append([]string{"--config", o.cfg, "--db", o.db, "--log-level", "error", "report", "--out", out}, window...)
	if code, _, stderr := systemic(t, args...); code != 0 {
		t.Fatalf("report %v: exit %d\n%s", window, code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r reports.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	return &r, string(md)
}

// TestReportConsistency is the "one window, one truth" suite: for reports
// over last month, a quarter and the whole generated period, every figure
// shown in two places (JSON and Markdown, a plan entry and a finding, the
// health trend and a fresh count) agrees, and each equals a direct count on
// the store. Each check names the figure and both values.
func TestReportConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs and analyses a synthetic organisation; run without -short")
	}
	o := newConsistencyOrg(t)
	last := o.spec.End.AddDate(0, 0, -1)
	windows := []struct {
		name string
		args []string
	}{
		{"last month", []string{"--period", last.Format("2006-01")}},
		{"quarter", []string{"--from", o.spec.End.AddDate(0, -3, 0).Format(time.DateOnly), "--to", last.Format(time.DateOnly)}},
		{"whole period", []string{"--from", o.spec.Start().Format(time.DateOnly), "--to", last.Format(time.DateOnly)}},
	}
	for _, w := range windows {
		t.Run(w.name, func(t *testing.T) {
			r, md := o.report(t, w.args...)
			st, err := store.OpenReadOnly(context.Background(), o.db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c := checker{t: t, db: st.DB(), r: r}
			c.window()
			c.findingsFromWindow()
			c.goals()
			c.headline(md)
			c.agreementsAgreeWithFindings()
			c.plannedFindings()
			c.dependencyWaits()
			c.reviewPickup()
			c.healthFromMonths()
			c.units(md)
		})
	}
	t.Run("a reused analysis reads its own window", func(t *testing.T) {
		// The report's window is analysed and stored; an ad hoc analysis
		// of another window then leaves the derived facts (the as-of time,
		// the work in progress per day, the sprints' state) prepared for
		// that window. The same report again must show the same figures.
		month := last.Format("2006-01")
		before, _ := o.report(t, "--period", month)
		if code, _, stderr := systemic(t, "--config", o.cfg, "--db", o.db, "--log-level", "error", "analyze",
			"--period", o.spec.Start().Format("2006-01")); code != 0 {
			t.Fatalf("analyze: exit %d\n%s", code, stderr)
		}
		after, _ := o.report(t, "--period", month)
		before.GeneratedAt, after.GeneratedAt = "", ""
		a, _ := json.MarshalIndent(before, "", " ")
		b, _ := json.MarshalIndent(after, "", " ")
		if !bytes.Equal(a, b) {
			t.Errorf("the report of %s changed after an analysis of another window:\n%s", month, lineDiff(string(a), string(b)))
		}
	})
	t.Run("questions answer as of now whatever was analysed last", func(t *testing.T) {
		// The store's derived facts that depend on the as-of time hold the
		// window analysed last; a leader's question measures to now.
		month := last.Format("2006-01")
		ask := func(t *testing.T) string {
			t.Helper()
			var out []string
			for _, args := range [][]string{
				{"query", "carryover-by-team", "--period", month, "--format", "csv"},
				{"query", "SELECT count(*) AS days, max(day) AS last FROM v_wip", "--format", "csv"},
			} {
				code, stdout, stderr := systemic(t, append([]string{"--config", o.cfg, "--db", o.db, "--log-level", "error"}, args...)...)
				if code != 0 {
					t.Fatalf("%v: exit %d\n%s", args, code, stderr)
				}
				out = append(out, stdout)
			}
			return strings.Join(out, "\n")
		}
		before := ask(t)
		if strings.Count(before, "\n") < 4 {
			t.Fatalf("the questions found nothing to compare:\n%s", before)
		}
		if code, _, stderr := systemic(t, "--config", o.cfg, "--db", o.db, "--log-level", "error", "analyze",
			"--period", o.spec.Start().Format("2006-01")); code != 0 {
			t.Fatalf("analyze: exit %d\n%s", code, stderr)
		}
		if after := ask(t); after != before {
			t.Errorf("the answers changed after an analysis of another window:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
	t.Run("run and report agree", func(t *testing.T) {
		month := last.Format("2006-01")
		r, _ := o.report(t, "--period", month)
		out := t.TempDir()
		if code, _, stderr := systemic(t, "--config", o.cfg, "--db", o.db, "--log-level", "error", "run",
			"--period", month, "--out", out, "--format", "json"); code != 0 {
			t.Fatalf("run: exit %d\n%s", code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, month, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		var ran reports.Report
		if err := json.Unmarshal(b, &ran); err != nil {
			t.Fatal(err)
		}
		if len(ran.Findings) != len(r.Findings) || ran.Headline.Findings["critical"] != r.Headline.Findings["critical"] {
			t.Errorf("findings of %s: report %v, run %v", month, r.Headline.Findings, ran.Headline.Findings)
		}
	})
}

type checker struct {
	t  *testing.T
	db *sql.DB
	r  *reports.Report
}

func (c checker) differ(figure string, a, b any) {
	c.t.Helper()
	c.t.Errorf("%s: %v in one place, %v in the other", figure, a, b)
}

func (c checker) scalar(q string, args ...any) float64 {
	c.t.Helper()
	var v sql.NullFloat64
	if err := c.db.QueryRow(q, args...).Scan(&v); err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
	return v.Float64
}

func (c checker) bounds() (time.Time, time.Time) {
	from, err1 := time.Parse(time.DateOnly, c.r.Period.From)
	to, err2 := time.Parse(time.DateOnly, c.r.Period.To)
	if err1 != nil || err2 != nil {
		c.t.Fatalf("report period %+v", c.r.Period)
	}
	return from, to
}

// window: the analysis behind the findings is the report's own window.
func (c checker) window() {
	a, p := c.r.Analysis, c.r.Period
	if a.From != p.From || a.To != p.To {
		c.differ("analysis window vs report period", a.From+".."+a.To, p.From+".."+p.To)
	}
}

// findingsFromWindow: the report's findings are exactly those the store
// holds for the report's window.
func (c checker) findingsFromWindow() {
	from, to := c.bounds()
	n := c.scalar(`SELECT count(*) FROM findings WHERE run_id = ?`, analysis.RunID(from, to))
	if int(n) != len(c.r.Findings) {
		c.differ("findings in report.json vs findings of the window's run", len(c.r.Findings), n)
	}
}

// goals: a done goal says whether it kept its due date, and by how much
// it missed it.
func (c checker) goals() {
	for _, g := range c.r.Plan.Goals {
		switch g.Verdict {
		case reports.Done, reports.Late:
			done, err1 := time.Parse(time.DateOnly, g.DoneAt)
			due, err2 := time.Parse(time.DateOnly, g.Due)
			if err1 != nil || err2 != nil {
				c.t.Errorf("goal %s: verdict %s without done date (%q) or due date (%q)", g.ID, g.Verdict, g.DoneAt, g.Due)
				continue
			}
			late := int(math.Max(0, math.Ceil(done.Sub(due.AddDate(0, 0, 1)).Hours()/24)))
			if done.After(due) != (g.Verdict == reports.Late) || late != g.LateDays {
				c.t.Errorf("goal %s: verdict %s, %d days late, but done %s against due %s", g.ID, g.Verdict, g.LateDays, g.DoneAt, g.Due)
			}
		}
	}
}

// headline: the counts on the first screen are the verdicts of the
// entries, and the Markdown says the same as the JSON.
func (c checker) headline(md string) {
	count := map[string]int{}
	for _, g := range c.r.Plan.Goals {
		count[g.Verdict]++
	}
	for v, n := range count {
		if c.r.Headline.Goals[v] != n {
			c.differ("headline goals "+v+" vs goal verdicts", c.r.Headline.Goals[v], n)
		}
	}
	sev := map[string]int{}
	for _, f := range c.r.Findings {
		sev[f.Severity]++
	}
	for _, s := range reports.Severities {
		if sev[s] != c.r.Headline.Findings[s] {
			c.differ("headline "+s+" findings vs findings", c.r.Headline.Findings[s], sev[s])
		}
		if n := sev[s]; n > 0 && !strings.Contains(md, fmt.Sprintf("%d %s", n, s)) {
			c.t.Errorf("report.md does not count %d %s findings as report.json does", n, s)
		}
	}
}

// agreementsAgreeWithFindings: an agreement is never on track beside a
// warn or critical finding about it, and a finding about a broken
// agreement is never info.
func (c checker) agreementsAgreeWithFindings() {
	byID := map[string]string{}
	for _, a := range c.r.Plan.Agreements {
		byID[a.ID] = a.Verdict
	}
	for _, f := range c.r.Findings {
		for _, ref := range f.Plan {
			if ref.Kind != "agreement" {
				continue
			}
			v := byID[ref.ID]
			if f.Severity != "info" && v == reports.OnTrack {
				c.t.Errorf("agreement %s on track beside a %s %s finding on %s", ref.ID, f.Severity, f.Pattern, f.Subject)
			}
			if v == reports.OffTrack && f.Severity == "info" {
				c.t.Errorf("agreement %s off track while its %s finding on %s is info", ref.ID, f.Pattern, f.Subject)
			}
		}
	}
}

// plannedFindings: a finding about a planned dependency or decision right
// is listed with it, not among the findings nobody planned for.
func (c checker) plannedFindings() {
	for _, d := range c.r.Plan.Dependencies {
		for _, f := range c.r.Findings {
			if f.Pattern == "dependency_delay" && f.Subject == d.To+"/"+d.From && !hasRef(f, "dependency", d.ID) {
				c.t.Errorf("dependency_delay on %s is not tied to the plan's dependency %s", f.Subject, d.ID)
			}
		}
	}
}

func hasRef(f reports.Finding, kind, id string) bool {
	for _, r := range f.Plan {
		if r.Kind == kind && r.ID == id {
			return true
		}
	}
	return false
}

// dependencyWaits: each team pair of "who is blocked by whom" equals a
// direct sum over v_dependency_waits for the window, in working hours, and
// the dependency finding on the pair says the same total.
func (c checker) dependencyWaits() {
	from, to := c.bounds()
	end := to
	for _, p := range c.r.Interaction.DependencyWaits {
		want := c.scalar(`SELECT sum(coalesce(work_hours, work_hours(start_at, ?::TIMESTAMPTZ))) FROM v_dependency_waits
WHERE coalesce(waiting_team, 'no team') = ? AND coalesce(blocker_team, 'no team') = ?
	AND start_at < ? AND coalesce(end_at, ?::TIMESTAMPTZ) >= ?`, end, p.Waiting, p.Blocking, to, end, from)
		if math.Abs(want-p.Hours) > 0.1 {
			c.differ(fmt.Sprintf("blocked working hours %s on %s: report vs store", p.Waiting, p.Blocking), p.Hours, want)
		}
		for _, f := range c.r.Findings {
			if f.Pattern == "dependency_delay" && f.Subject == p.Waiting+"/"+p.Blocking {
				if got := f.Evidence.Values["total_work_hours"]; math.Abs(got-p.Hours) > 0.1 {
					c.differ(fmt.Sprintf("blocked working hours %s on %s: finding vs map", p.Waiting, p.Blocking), got, p.Hours)
				}
			}
		}
	}
}

// reviewPickup: the review table's P85 per team is the registry's
// review_pickup_p85_hours of the window, the number health shows.
func (c checker) reviewPickup() {
	from, to := c.bounds()
	for _, rw := range c.r.Interaction.ReviewWaits {
		var v sql.NullFloat64
		err := c.db.QueryRow(`SELECT value FROM metrics WHERE run_id = ? AND scope_kind = 'team' AND scope = ?
	AND metric = 'review_pickup_p85_hours' AND period = 'all'`, analysis.RunID(from, to), rw.Team).Scan(&v)
		if err != nil && err != sql.ErrNoRows {
			c.t.Fatal(err)
		}
		switch {
		case (err == sql.ErrNoRows) != (rw.P85Hours == nil):
			c.differ("review pickup P85 of "+rw.Team+" measured: review table vs metric", rw.P85Hours != nil, err == nil)
		case rw.P85Hours != nil && math.Abs(v.Float64-*rw.P85Hours) > 0.01:
			c.differ("review pickup P85 working hours of "+rw.Team+": review table vs metric", *rw.P85Hours, v.Float64)
		}
	}
}

// healthFromMonths: each month of the trend is computed over that month
// alone: items done equals a direct count of the month's resolved issues.
func (c checker) healthFromMonths() {
	h := c.r.Health
	if len(h.Windows) != reports.HealthMonths {
		c.t.Errorf("health trend has %d months, want %d on a first report", len(h.Windows), reports.HealthMonths)
	}
	for _, s := range h.Series {
		if s.Metric == "blocked_p50_hours" {
			c.blockedMonths(s)
		}
		if s.Metric != "throughput" {
			continue
		}
		for i, w := range h.Windows {
			want := c.scalar(`SELECT count(*) FROM items WHERE team = ? AND kind = 'issue' AND key NOT LIKE '%#%'
	AND status_category = 'done' AND resolved_at >= ?::TIMESTAMPTZ AND resolved_at < ?::TIMESTAMPTZ`, s.Team, w.From, w.To)
			got := 0.0
			if s.Values[i] != nil {
				got = *s.Values[i]
			}
			if got != want && !(s.Values[i] == nil && want == 0) {
				c.differ(fmt.Sprintf("items done by %s in %s: health vs store", s.Team, w.Label), got, want)
			}
		}
	}
}

// blockedMonths: a month in which none of the team's items started a
// blocked interval has no blocked P50 (not the whole window's value).
func (c checker) blockedMonths(s reports.HealthSeries) {
	for i, w := range c.r.Health.Windows {
		n := c.scalar(`SELECT count(*) FROM v_blocked WHERE team = ? AND start_at >= ?::TIMESTAMPTZ AND start_at < ?::TIMESTAMPTZ`,
			s.Team, w.From, w.To)
		if n == 0 && s.Values[i] != nil {
			c.t.Errorf("blocked P50 of %s in %s is %v, but nothing of %s was blocked that month", s.Team, w.Label, *s.Values[i], s.Team)
		}
	}
}

// durationRE finds durations written with a bare "d" or "h" unit, which
// would not say whether they count working or calendar time.
var durationRE = regexp.MustCompile(`\b\d+(\.\d+)?[dh]\b`)

// units: every duration names its unit (working or calendar days).
func (c checker) units(md string) {
	for _, line := range strings.Split(md, "\n") {
		if strings.Contains(line, "≤") || strings.HasPrefix(line, "| Team | Requests") {
			continue // agreement targets are quoted as the plan states them; bucket headers
		}
		if m := durationRE.FindString(line); m != "" {
			c.t.Errorf("report.md shows %q without saying working or calendar time: %s", m, line)
		}
	}
}

// lineDiff lists the lines of a and b that differ, position by position,
// at most 20.
func lineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(la), len(lb)) && len(out) < 20; i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d:\n  - %s\n  + %s", i+1, x, y))
		}
	}
	return strings.Join(out, "\n")
}
