package analysis_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/systemic-dev/systemic/analysis"
)

func TestApprovalBottleneck(t *testing.T) {
	f := newFixture(t)
	for _, p := range [][2]string{{"ann", "platform"}, {"bob", "platform"}, {"cat", "growth"}, {"dan", "growth"}, {"eve", "web"}, {"fay", "web"}} {
		f.person(p[0], p[1])
	}
	f.bot("ci-bot")
	n := 0
	pr := func(team, author string, day int) string {
		n++
		key := fmt.Sprintf("acme/%s#%d", team, n)
		f.pr(fxPR{Key: key, Team: team, Author: author, Created: f.at(day, 9)})
		return key
	}
	// bob reviews for platform and growth and takes two to three working days.
	for d := 0; d < 8; d++ {
		for _, a := range [][2]string{{"platform", "ann"}, {"growth", "cat"}} {
			key := pr(a[0], a[1], d)
			f.request(key, "bob", f.at(d, 9), a[1])
			if d < 6 {
				f.review(key, "bob", "APPROVED", f.at(d+3, 12))
			}
			f.request(key, "ci-bot", f.at(d, 9), a[1])
			f.review(key, "ci-bot", "COMMENTED", f.at(d, 9.1))
		}
	}
	// dan reviews cat's and ann's work within the hour.
	for d := 0; d < 6; d++ {
		key := pr("growth", "cat", d)
		f.request(key, "dan", f.at(d, 10), "cat")
		f.review(key, "dan", "APPROVED", f.at(d, 10.5))
	}
	// fay is asked three times only: not enough data, however slow.
	for d := 0; d < 3; d++ {
		key := pr("web", "eve", d)
		f.request(key, "fay", f.at(d, 10), "eve")
	}
	// Weeks 0..1 fall in the window; now is day 12 (Saturday): the two open
	// requests of day 6 and 7 have waited since.
	env := f.env(f.at(0, 0), f.at(10, 0), f.at(12, 0))
	res := runA1(t, "approval_bottleneck", env)
	want := []findingBrief{{analysis.Critical, "platform", "person", "bob"}}
	if d := cmp.Diff(want, findingBriefs(res.Findings)); d != "" {
		t.Fatalf("findings (-want +got):\n%s", d)
	}
	fd := res.Findings[0]
	t.Log(fd.Summary)
	v := fd.Evidence.Values
	if v["requests"] != 16 || v["open_requests"] != 4 || v["share_of_growth"] != 0.57 || v["share_of_platform"] != 1 {
		t.Errorf("evidence values %v", v)
	}
	if fd.Score <= 0 || fd.Score > 1 {
		t.Errorf("score %v out of 0..1", fd.Score)
	}
	if d := cmp.Diff([]string{"fay: 3 review requests"}, res.NotEnoughData); d != "" {
		t.Errorf("not enough data (-want +got):\n%s", d)
	}
	gini := map[string]float64{}
	for _, m := range res.Metrics {
		if m.Metric == "reviewer_gini" {
			gini[m.Scope] = m.Value
		}
	}
	if d := cmp.Diff(map[string]float64{"growth": 0.07, "platform": 0}, gini); d != "" {
		t.Errorf("reviewer_gini (-want +got):\n%s", d)
	}
}

func TestApprovalBottleneckNoData(t *testing.T) {
	f := newFixture(t)
	f.person("ann", "platform")
	f.pr(fxPR{Key: "acme/api#1", Team: "platform", Author: "ann", Created: f.at(0, 9)})
	env := f.env(f.at(0, 0), f.at(10, 0), f.at(12, 0))
	res := runA1(t, "approval_bottleneck", env)
	if len(res.Findings) != 0 || len(res.NotEnoughData) != 1 {
		t.Errorf("got %+v, want only not-enough-data", res)
	}
}
