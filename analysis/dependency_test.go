package analysis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/store"
)

// runModule runs the module named name over env.
func runModule(t *testing.T, name string, env *analysis.Env) analysis.Result {
	t.Helper()
	m, err := analysis.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	if m.Explain() == "" {
		t.Errorf("%s: no explanation", name)
	}
	res, err := m.Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if _, err := json.Marshal(f); err != nil { // NaN values would fail the run's write
			t.Errorf("%s finding does not encode: %v", name, err)
		}
		if f.Score < 0 || f.Score > 1 || f.Summary == "" || f.Subject == "" || f.Team == "" {
			t.Errorf("%s finding incomplete: %+v", name, f)
		}
	}
	for _, m := range res.Metrics {
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
			t.Errorf("%s metric %s %s = %v", name, m.Metric, m.Scope, m.Value)
		}
	}
	return res
}

// brief is a finding without its summary and evidence, for comparisons.
type brief struct {
	Pattern, Severity, Team, SubjectKind, Subject string
}

// checkResult compares a module's findings (in brief) and its count of
// scopes with not enough data.
func checkResult(t *testing.T, res analysis.Result, want []brief, notEnough int) {
	t.Helper()
	if diff := cmp.Diff(want, briefs(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.NotEnoughData) != notEnough {
		t.Errorf("not enough data: %q, want %d scopes", res.NotEnoughData, notEnough)
	}
}

func briefs(fs []analysis.Finding) []brief {
	var out []brief
	for _, f := range fs {
		out = append(out, brief{f.Pattern, f.Severity, f.Team, f.SubjectKind, f.Subject})
	}
	return out
}

func evidenceKeys(f analysis.Finding) []string {
	var keys []string
	for _, it := range f.Evidence.Items {
		keys = append(keys, it.Key)
	}
	return keys
}

func metricValue(res analysis.Result, metric, scope string) (float64, int, bool) {
	for _, m := range res.Metrics {
		if m.Metric == metric && m.Scope == scope {
			return m.Value, m.N, true
		}
	}
	return 0, 0, false
}

func TestDependencyDelay(t *testing.T) {
	// waits builds n red items each blocked by a blue item for days
	// working days from Monday 09:00; the last one is still waiting.
	waits := func(s *scenario, waiting, blocking string, n, days int, openLast bool) {
		for i := 1; i <= n; i++ {
			w, b := fmt.Sprintf("%s-%d", waiting, i), fmt.Sprintf("%s-%s%d", blocking, waiting, i)
			s.item(w, waiting, "In Progress", day(0, 9))
			if i == n && openLast {
				s.item(b, blocking, "In Progress", day(0, 9))
			} else {
				s.item(b, blocking, "Done", day(0, 9))
				s.move(b, day(days, 9), "To Do", "Done", "")
			}
			s.add(store.Link{FromItem: "j:" + b, ToItem: "j:" + w, Type: "blocks", CreatedAt: tp(day(0, 9))})
		}
	}
	tests := []struct {
		name      string
		build     func(s *scenario)
		want      []brief
		notEnough int
	}{
		{name: "no data", build: func(s *scenario) {}},
		{
			name:      "one wait is not enough data",
			build:     func(s *scenario) { waits(s, "red", "blue", 1, 9, false) },
			notEnough: 1,
		},
		{
			name: "long cross-team waits, one still open",
			build: func(s *scenario) {
				waits(s, "red", "blue", 5, 3, true) // 3 working days, agreement 2
				waits(s, "green", "blue", 5, 1, false)
			},
			want: []brief{{"dependency_delay", "warn", "red", "team_pair", "red/blue"}},
		},
		{
			name: "an item that moved to the blocking team no longer waits across teams",
			build: func(s *scenario) {
				waits(s, "red", "blue", 5, 3, false)
				s.sqls = append(s.sqls, "UPDATE items SET team = 'blue', key = 'BLUE-9' WHERE key = 'red-1'")
			},
			notEnough: 1,
		},
		{
			name: "waits inside one team are not cross-team",
			build: func(s *scenario) {
				waits(s, "red", "red2", 5, 9, false)
				for i := 1; i <= 5; i++ {
					s.sqls = append(s.sqls, fmt.Sprintf("UPDATE items SET team = 'red' WHERE key = 'red2-red%d'", i))
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			tc.build(s)
			env := s.env(day(0, 0), day(14, 0), day(4, 17))
			res := runModule(t, "dependency_delay", env)
			checkResult(t, res, tc.want, tc.notEnough)
			for _, f := range res.Findings {
				t.Log(f.Summary)
				if f.Score <= 0 || f.Score > 1 {
					t.Errorf("score %v out of (0, 1]", f.Score)
				}
				if got := evidenceKeys(f); len(got) != 5 {
					t.Errorf("evidence items %v, want the 5 waiting items", got)
				}
			}
		})
	}
}

// Review waits on another team's reviewers sit next to the own team's.
func TestDependencyReviewWaits(t *testing.T) {
	s := newScenario(t)
	s.person("ann", "red")
	s.person("bob", "blue")
	s.person("cid", "red")
	for i, r := range []struct {
		reviewer string
		after    float64 // hours from Monday 09:00
	}{{"bob", 48}, {"cid", 4}} {
		key := fmt.Sprintf("o/r#%d", i+1)
		pr := s.item(key, "red", "open", day(0, 9))
		pr.Kind, pr.Source = "pull_request", "gh"
		s.add(store.PullRequest{ItemID: "j:" + key, Repo: "o/r", Number: i + 1, AuthorID: "j/ann", CreatedAt: tp(day(0, 9))},
			store.ReviewRequest{RequestID: fmt.Sprintf("gh:ev:%d", i), ItemID: "j:" + key, ReviewerID: "j/" + r.reviewer,
				RequestedAt: day(0, 9), RequesterID: "j/ann"},
			store.Review{ReviewID: fmt.Sprintf("gh:%d", i), ItemID: "j:" + key, ReviewerID: "j/" + r.reviewer,
				State: "APPROVED", SubmittedAt: tp(day(0, 9+r.after))})
	}
	env := s.env(day(0, 0), day(14, 0), day(6, 17))
	res := runModule(t, "dependency_delay", env)
	for metric, want := range map[string]float64{"review_wait_cross_team_p50_hours": 16, "review_wait_own_team_p50_hours": 4} {
		got, n, ok := metricValue(res, metric, "red")
		if !ok || got != want || n != 1 {
			t.Errorf("%s red = %v (n %d, present %v), want %v", metric, got, n, ok, want)
		}
	}
}
