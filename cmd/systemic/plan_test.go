package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/internal/synth"
)

// TestPlanInitCoversPlantedPlan drafts a plan from the synced synthetic
// organisation and compares it with the plan its generator wrote: every
// planted goal shares items with a drafted goal of the same team, every
// planted dependency that left 'blocks' links in the tracker has its keys
// in the drafted dependency between the same teams, and every planted
// decision right is drafted for its state and project with its owner among
// the candidates. validate accepts the draft as is, a report with it warns
// about no selector, and a second init lists what is new without writing.
func TestPlanInitCoversPlantedPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, syncs and analyses an organisation")
	}
	spec := synth.DefaultSpec()
	spec.Months, spec.ItemsPerTeamMonth = 6, 14
	cfgPath, dbPath, _ := synthOrg(t, spec)
	dir := t.TempDir()
	out := filepath.Join(dir, "plan.yaml")
	args := []string{"--config", cfgPath, "--db", dbPath, "--log-level", "error"}
	if code, stdout, stderr := systemicTB(t, append(args, "plan", "init", "--from-tracker", "--out", out)...); code != 0 {
		t.Fatalf("plan init: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := systemicTB(t, append(args, "validate", "--plan", out)...); code != 0 {
		t.Fatalf("validate rejects the draft: exit %d\n%s%s", code, stdout, stderr)
	}
	cfg, err := config.LoadOffline(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var teams []string
	for _, tm := range cfg.Teams {
		teams = append(teams, tm.Name)
	}
	draft, err := config.LoadPlan(out, teams)
	if err != nil {
		t.Fatal(err)
	}
	planted, err := config.LoadPlan(filepath.Join(filepath.Dir(cfgPath), "data", "plan.yaml"), teams)
	if err != nil {
		t.Fatalf("the generator's plan: %v", err)
	}
	st, err := store.OpenReadOnly(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	checkGoalsCovered(t, st, planted.Goals, draft.Goals)
	checkDependenciesCovered(t, st, planted.Dependencies, draft.Dependencies)
	checkDecisionsCovered(t, planted.Decisions, draft.Decisions)
	th := analysis.WithDefaults(cfg.Thresholds)
	want := map[string]float64{"review_pickup": th.ReviewPickup.D().Hours(), "wip_per_person": float64(th.WIPPerPerson),
		"blocked_time": th.BlockedMax.D().Hours(), "unreviewed_merges": 0, "carry_over": float64(th.CarryOver)}
	for _, a := range draft.Agreements {
		if w, ok := want[a.Metric]; !ok || a.Target != w {
			t.Errorf("drafted agreement %s: %s target %v, want the config's threshold %v", a.ID, a.Metric, a.Target, w)
		}
		delete(want, a.Metric)
	}
	if len(want) > 0 {
		t.Errorf("no agreement drafted for %v", want)
	}
	st.Close()

	rep := filepath.Join(dir, "reports")
	month := spec.End.AddDate(0, 0, -1).Format("2006-01")
	if code, _, stderr := systemicTB(t, append(args, "report", "--plan", out, "--period", month, "--out", rep, "--format", "json")...); code != 0 {
		t.Fatalf("report with the draft: exit %d\n%s", code, stderr)
	}
	if ws := selectorWarnings(t, rep); len(ws) > 0 {
		t.Errorf("selector warnings with the drafted plan:\n%s", strings.Join(ws, "\n"))
	}
	// The check sees a selector that selects nothing.
	bad := filepath.Join(dir, "bad.yaml")
	draftText, _ := os.ReadFile(out)
	if err := os.WriteFile(bad, []byte(strings.Replace(string(draftText), "scope: {epics: [", "scope: {labels: [no-such-label], epics: [", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	badRep := filepath.Join(dir, "bad")
	if code, _, stderr := systemicTB(t, append(args, "report", "--plan", bad, "--period", month, "--out", badRep, "--format", "json")...); code != 0 {
		t.Fatalf("report with a bad selector: exit %d\n%s", code, stderr)
	}
	if ws := selectorWarnings(t, badRep); len(ws) != 1 {
		t.Errorf("a plan with one selector matching nothing gives warnings %v", ws)
	}
	checkFindingsReflect(t, rep)

	if testing.Verbose() {
		b, _ := os.ReadFile(out)
		t.Logf("draft:\n%s", b)
	}
	before, _ := os.ReadFile(out)
	code, stdout, stderr := systemicTB(t, append(args, "plan", "init", "--from-tracker", "--out", out)...)
	if code != 0 {
		t.Fatalf("second plan init: exit %d\n%s", code, stderr)
	}
	after, _ := os.ReadFile(out)
	if string(before) != string(after) {
		t.Error("a second plan init overwrote the existing plan")
	}
	if !strings.Contains(stdout, "nothing new") {
		t.Errorf("a second init on an unchanged store should find nothing new:\n%s", stdout)
	}
}

// itemsOf is the item keys a scope selects, as the report selects them.
func itemsOf(t *testing.T, st *store.Store, s config.Scope) []string {
	t.Helper()
	var keys []string
	q := `SELECT key FROM items WHERE kind <> 'epic' AND (list_has_any([epic_key, parent_key], ?::TEXT[])
	OR list_contains(?::TEXT[], key) OR list_has_any(labels, ?::TEXT[]) OR list_contains(?::TEXT[], milestone)) ORDER BY key`
	rows, err := st.DB().Query(q, textList(s.Epics), textList(s.Keys), textList(s.Labels), textList(s.Milestones))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

func textList(vs []string) string {
	b, _ := json.Marshal(append([]string{}, vs...))
	return strings.ReplaceAll(string(b), `"`, `'`)
}

func overlap(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}

func checkGoalsCovered(t *testing.T, st *store.Store, planted, drafted []config.Goal) {
	t.Helper()
	for _, p := range planted {
		want := itemsOf(t, st, p.Scope)
		var covered int
		for _, d := range drafted {
			if d.Team == p.Team {
				covered += overlap(want, itemsOf(t, st, d.Scope))
			}
		}
		if len(want) == 0 || 2*covered < len(want) {
			t.Errorf("planted goal %s (%s): drafted goals of %s select %d of its %d items", p.ID, p.Team, p.Team, covered, len(want))
		}
	}
}

func checkDependenciesCovered(t *testing.T, st *store.Store, planted, drafted []config.Dependency) {
	t.Helper()
	for _, p := range planted {
		var linked int
		err := st.DB().QueryRow(`SELECT count(*) FROM links l JOIN items b ON b.item_id = l.from_item
			JOIN items w ON w.item_id = l.to_item
			WHERE l.type = 'blocks' AND b.team <> w.team AND list_contains(?::TEXT[], b.key)`, textList(p.Scope.Keys)).Scan(&linked)
		if err != nil {
			t.Fatal(err)
		}
		if linked == 0 {
			t.Logf("planted dependency %s left no 'blocks' link in the tracker: nothing to draft it from", p.ID)
			continue
		}
		i := slices.IndexFunc(drafted, func(d config.Dependency) bool { return d.From == p.From && d.To == p.To })
		if i < 0 {
			t.Errorf("planted dependency %s (%s -> %s) not drafted", p.ID, p.From, p.To)
			continue
		}
		for _, k := range p.Scope.Keys {
			if !slices.Contains(drafted[i].Scope.Keys, k) {
				t.Errorf("planted dependency %s: drafted %s lacks blocking item %s", p.ID, drafted[i].ID, k)
			}
		}
	}
}

func checkDecisionsCovered(t *testing.T, planted, drafted []config.DecisionRight) {
	t.Helper()
	for _, p := range planted {
		i := slices.IndexFunc(drafted, func(d config.DecisionRight) bool {
			return slices.Equal(d.Match.States, p.Match.States) && slices.Equal(d.Match.Projects, p.Match.Projects)
		})
		if i < 0 {
			t.Errorf("planted decision right %s (%v in %v) not drafted", p.ID, p.Match.States, p.Match.Projects)
			continue
		}
		var ids []string
		for _, o := range drafted[i].Owners {
			ids = append(ids, store.PersonID(o))
		}
		for _, o := range p.Owners {
			if !slices.Contains(ids, store.PersonID(o)) {
				t.Errorf("planted decision right %s: owner %s not among the drafted candidates %v", p.ID, o, drafted[i].Owners)
			}
		}
	}
}

// selectorWarnings are the report's warnings about plan selectors that
// select nothing (plan.warnings; coverage.warnings for good measure).
func selectorWarnings(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Plan struct {
			Warnings []string `json:"warnings"`
		} `json:"plan"`
		Coverage struct {
			Warnings []string `json:"warnings"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range append(rep.Plan.Warnings, rep.Coverage.Warnings...) {
		if strings.Contains(w, "matches") {
			out = append(out, w)
		}
	}
	return out
}

// checkFindingsReflect: every finding of the synthetic organisation's
// report carries questions and at least one experiment that validates as
// a plan agreement as is.
func checkFindingsReflect(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			Pattern, Subject string
			Reflection       *struct {
				Questions   []string `json:"questions"`
				Experiments []struct {
					Agreement string `json:"agreement"`
				} `json:"experiments"`
			} `json:"reflection"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("the synthetic organisation's report has no findings")
	}
	for _, f := range rep.Findings {
		r := f.Reflection
		if r == nil || len(r.Questions) == 0 || len(r.Experiments) == 0 {
			t.Errorf("finding %s %s: reflection %+v, want questions and an experiment", f.Pattern, f.Subject, r)
			continue
		}
		for _, e := range r.Experiments {
			if _, err := config.ParsePlan("plan.yaml", []byte("agreements:\n  - "+e.Agreement+"\n"), nil); err != nil {
				t.Errorf("finding %s %s: experiment %s does not validate: %v", f.Pattern, f.Subject, e.Agreement, err)
			}
		}
	}
}
