package reports_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/demoorg"
	"github.com/systemic-dev/systemic/internal/synth"
	"github.com/systemic-dev/systemic/reports"
)

// TestSprintsMidSprintOnSyntheticOrg runs the pipeline on a synthetic
// organisation whose history ends in the middle of its sprints (Thursday
// 2026-11-05, now) and reports a window past it, up to Saturday: the
// sprints planned to end on Friday are shown in progress with their
// numbers so far, not under "ended" with nothing completed, and
// commitment_completion covers exactly the committed items of the sprints
// listed as ended in the window.
func TestSprintsMidSprintOnSyntheticOrg(t *testing.T) {
	if testing.Short() {
		t.Skip("the synthetic organisation's pipeline takes a while; run without -short")
	}
	ctx := context.Background()
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth, spec.End = 4, 14, time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	org, err := demoorg.StartSynced(ctx, t.TempDir(), spec, demoorg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	cfg, st := org.Cfg, org.Store
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), spec.End.AddDate(0, 0, 2)
	if _, err := analysis.Analyze(ctx, st, analysis.Options{Env: analysis.Env{Thresholds: cfg.Thresholds,
		States: cfg.States, Calendar: cfg.Calendar, From: from, To: to, Now: spec.End,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}); err != nil {
		t.Fatal(err)
	}
	res, err := reports.Generate(ctx, st, reports.Options{From: from, To: to, OutDir: t.TempDir(), Now: spec.End,
		Formats: []string{"json"}, Thresholds: cfg.Thresholds, Calendar: cfg.Calendar})
	if err != nil {
		t.Fatal(err)
	}
	in := res.Report.Interaction
	var active int
	if err := st.DB().QueryRow(`SELECT count(*) FROM sprints WHERE start_at <= ? AND complete_at IS NULL`, to).Scan(&active); err != nil {
		t.Fatal(err)
	}
	if active == 0 || len(in.SprintsUnderWay) != active {
		t.Errorf("%d sprints under way in the report, %d started and not completed in the store", len(in.SprintsUnderWay), active)
	}
	under := map[string]bool{}
	for _, s := range in.SprintsUnderWay {
		t.Logf("in progress: %+v", s)
		under[s.Sprint] = true
		if s.Done > s.InSprint || s.CommittedDone > s.Committed || s.CommittedDone > s.Done {
			t.Errorf("%s: numbers so far do not add up: %+v", s.Sprint, s)
		}
	}
	committed := map[string]int{} // per team, ended in the window
	for _, s := range in.Sprints {
		if under[s.Sprint] {
			t.Errorf("%s is listed as ended and as in progress", s.Sprint)
		}
		if s.End >= from.Format(time.DateOnly) {
			committed[s.Team] += s.Committed
		}
	}
	for _, m := range res.Report.Metrics {
		if m.Metric == "commitment_completion" && m.Period == "all" && m.N != committed[m.Scope] {
			t.Errorf("commitment_completion %s counts %d committed items, the ended sprints listed in the window %d", m.Scope, m.N, committed[m.Scope])
		}
	}
}
