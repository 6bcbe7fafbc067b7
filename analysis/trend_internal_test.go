package analysis

import (
	"testing"
	"time"
)

func TestApplyTrend(t *testing.T) {
	f := func(subject, sev string, score float64) Finding {
		return Finding{Pattern: "wip_overload", SubjectKind: "person", Subject: subject, Severity: sev, Score: score}
	}
	now := []Finding{f("a", Warn, 0.5), f("b", Critical, 0.6), f("c", Warn, 0.5), f("d", Warn, 0.3), f("e", Warn, 0.55)}
	prev := []Finding{f("b", Warn, 0.6), f("c", Critical, 0.7), f("d", Warn, 0.5), f("e", Warn, 0.5), f("gone", Critical, 0.9), f("quiet", Info, 0.1)}
	got := applyTrend(now, prev, false)
	want := map[string]string{"a": TrendNew, "b": TrendWorse, "c": TrendBetter, "d": TrendBetter, "e": TrendOngoing, "gone": TrendResolved}
	if len(got) != len(want) {
		t.Fatalf("%d findings, want %d (one resolved added, the info one not)", len(got), len(want))
	}
	for _, g := range got {
		if g.Evidence.Trend != want[g.Subject] {
			t.Errorf("%s: trend %q, want %q", g.Subject, g.Evidence.Trend, want[g.Subject])
		}
		if g.Subject == "gone" && g.Severity != Info {
			t.Errorf("resolved finding is %s, want info", g.Severity)
		}
	}
}

func TestLadder(t *testing.T) {
	for _, tc := range []struct {
		value, limit, share float64
		want                string
	}{
		{3, 3, 0, Info}, {4, 3, 0, Warn}, {6, 3, 0, Critical}, {4, 3, 0.6, Critical}, {4, 3, 0.5, Warn},
		{1, 0, 0, Warn}, {20, 0, 0, Warn}, {0, 0, 0, Info},
	} {
		if got := ladder(tc.value, tc.limit, tc.share); got != tc.want {
			t.Errorf("ladder(%v, %v, %v) = %s, want %s", tc.value, tc.limit, tc.share, got, tc.want)
		}
	}
}

func TestFindEpisodes(t *testing.T) {
	day := func(i int) Point { return Point{At: mondayOf(epochMonday).AddDate(0, 0, i)} }
	var s []Point
	for i, v := range []float64{1, 5, 5, 2, 5, 6, 5, 1, 1, 1, 5, 5} {
		p := day(i)
		p.Value = v
		s = append(s, p)
	}
	eps := findEpisodes(s, 3, 3, 1, s[0].At, s[len(s)-1].At.AddDate(0, 0, 1))
	if len(eps) != 1 {
		t.Fatalf("episodes %+v, want one (days 1-6, the dip on day 3 joined; the last two days too short)", eps)
	}
	e := eps[0]
	if !e.Start.Equal(s[1].At) || !e.End.Equal(s[6].At) || e.Periods != 5 || e.PeakValue != 6 || !e.Peak.Equal(s[5].At) || e.Ongoing {
		t.Errorf("episode %+v", e)
	}
	// Ongoing at the series' end.
	eps = findEpisodes(s, 3, 2, 0, s[0].At, s[len(s)-1].At.AddDate(0, 0, 1))
	if last := eps[len(eps)-1]; !last.Ongoing || !last.End.IsZero() {
		t.Errorf("last episode %+v, want ongoing", last)
	}
}

func TestPreviousWindow(t *testing.T) {
	d := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ from, to, wantFrom string }{
		{"2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", "2026-09-01T00:00:00Z"},           // 31 days after 30
		{"2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-02-01T00:00:00Z"},           // 31 after 28
		{"2026-10-02T00:00:00Z", "2026-11-01T00:00:00Z", "2026-09-02T00:00:00Z"},           // not a month: same length
		{"2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00", "2026-08-30T21:00:00Z"}, // a month in another zone: same length
		{"2026-08-03T00:00:00Z", "2026-11-01T00:00:00Z", "2026-05-05T00:00:00Z"},           // 90 days
	} {
		from, to := previousWindow(d(tc.from), d(tc.to))
		if !from.Equal(d(tc.wantFrom)) || !to.Equal(d(tc.from)) {
			t.Errorf("previousWindow(%s, %s) = %s..%s, want %s..%s", tc.from, tc.to, from, to, tc.wantFrom, tc.from)
		}
	}
}
