package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/systemic-dev/systemic/internal/query"
)

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestPages(t *testing.T) {
	f := newOrg(t)
	srv := f.serve(t, "")
	first := f.report.Findings[0]
	p := url.Values{"period": {f.period()}}.Encode()
	tests := []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"Overview " + f.month, "People are shown as pseudonyms"}},
		{"/report?" + p, 200, []string{"<html", f.report.Findings[0].Summary[:20]}},
		{"/findings", 200, []string{first.Summary[:30], "of " + itoa(len(f.report.Findings)) + " findings"}},
		{"/findings?team=" + first.Team + "&pattern=" + first.Pattern, 200, []string{first.Summary[:30]}},
		{"/findings?severity=nonsense", 200, []string{"No finding matches"}},
		{"/findings/1?" + p, 200, []string{"Evidence", "Timeline", first.Subject}},
		{"/findings/999?" + p, 404, []string{"no finding 999"}},
		{"/findings?period=2026-13", 400, []string{"period"}},
		{"/findings?period=2020-01", 200, []string{"has not been analysed"}},
		{"/plan?" + p, 200, []string{f.plan.Goals[0].ID, f.report.Plan.Goals[0].Verdict}},
		{"/plan/goal/" + f.plan.Goals[0].ID + "?" + p, 200, []string{"History", f.now.AddDate(0, -6, 0).Format("2006-01")}},
		{"/plan/goal/nope", 404, []string{"no goal nope"}},
		{"/teams", 200, []string{"/teams/" + first.Team}},
		{"/teams/" + first.Team + "?" + p, 200, []string{"Health trend", "<svg", first.Summary[:30]}},
		{"/teams/nobody", 404, []string{"no team nobody"}},
		{"/questions", 200, []string{"who-waits-on-whom", "review-load"}},
		{"/questions/review-load?team=" + first.Team + "&period=" + f.month, 200, []string{"<table id=\"answer\"", "pickup_p50_work_hours"}},
		{"/questions/health-trend", 200, []string{"Chart", "<svg"}},
		{"/questions/review-load?team=nobody", 400, []string{"no such team"}},
		{"/questions/aging-wip?period=2026-10", 400, []string{"does not take period"}},
		{"/questions/nope", 404, []string{"no question nope"}},
		{"/views", 200, []string{"v_review_waits", "requested_at"}},
		{"/explain/approval_bottleneck", 200, []string{"approval_bottleneck"}},
		{"/style.css", 200, []string{"font"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body := get(t, srv.Client(), srv.URL+tt.path)
			if status != tt.status {
				t.Errorf("status %d, want %d\n%s", status, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}

func itoa(n int) string { return strconvItoa(n) }

// TestSameAsReport: the findings the app shows for a period are the CLI
// report's, with the same pseudonyms, though the app reads the copy.
func TestSameAsReport(t *testing.T) {
	f := newOrg(t)
	srv := f.serve(t, "")
	_, body := get(t, srv.Client(), srv.URL+"/findings?period="+f.period())
	for _, x := range f.report.Findings {
		for _, w := range []string{x.Subject, x.Summary} {
			if !strings.Contains(body, template(w)) {
				t.Errorf("finding %d: page lacks %q", x.Rank, w)
			}
		}
	}
	_, plan := get(t, srv.Client(), srv.URL+"/plan?period="+f.period())
	for _, d := range f.report.Plan.Decisions {
		if !strings.Contains(plan, template(d.Reason)) {
			t.Errorf("decision %s: page lacks the report's %q", d.ID, d.Reason)
		}
	}
}

// TestQuestionSameAsCLI: a question's table holds the rows query.Run
// gives on the pseudonymised copy, as `systemic query` prints them.
func TestQuestionSameAsCLI(t *testing.T) {
	f := newOrg(t)
	srv := f.serve(t, "")
	_, body := get(t, srv.Client(), srv.URL+"/questions/who-waits-on-whom?period="+f.month)
	db, err := query.OpenSandbox(context.Background(), shadow(f.db))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q, _ := query.Lookup("who-waits-on-whom")
	from, to, _ := query.Window(f.month, "", "", f.now)
	res, err := query.Run(context.Background(), db, q, query.Params{From: from, To: to, Limit: -1, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) == 0 {
		t.Fatal("no rows to compare")
	}
	for _, row := range res.Rows {
		var cells []string
		for _, v := range row {
			cells = append(cells, "<td>"+template(query.Text(v))+"</td>")
		}
		if !strings.Contains(body, strings.Join(cells, "")) {
			t.Errorf("page lacks the row %v", cells)
		}
	}
}

func TestToken(t *testing.T) {
	f := newOrg(t)
	srv := f.serve(t, "s3cret")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if status, _ := get(t, noRedirect, srv.URL+"/findings"); status != http.StatusUnauthorized {
		t.Errorf("no token: %d", status)
	}
	if status, _ := get(t, noRedirect, srv.URL+"/findings?token=wrong"); status != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", status)
	}
	resp, err := noRedirect.Get(srv.URL + "/findings?token=s3cret&team=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/findings?team=x" || len(cookies) != 1 {
		t.Fatalf("token in URL: %d to %q, cookies %v", resp.StatusCode, resp.Header.Get("Location"), cookies)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/questions", nil)
	req.AddCookie(cookies[0])
	if resp, err := noRedirect.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("with the cookie: %v %v", err, resp)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/questions", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	if resp, err := noRedirect.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("with the bearer token: %v %v", err, resp)
	}
}

// TestReadOnly: only GET is served, and serving every page leaves the
// store's file as it was.
func TestReadOnly(t *testing.T) {
	f := newOrg(t)
	srv := f.serve(t, "")
	before, err := os.Stat(f.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		req, _ := http.NewRequest(m, srv.URL+"/findings", strings.NewReader("x=1"))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d", m, resp.StatusCode)
		}
	}
	for _, path := range []string{"/", "/report", "/findings", "/findings/1", "/plan", "/teams", "/questions/health-trend", "/views"} {
		if status, body := get(t, srv.Client(), srv.URL+path); status != 200 {
			t.Errorf("%s: %d\n%s", path, status, body)
		}
	}
	after, err := os.Stat(f.db)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Errorf("the store changed while serving: %v %d -> %v %d", before.ModTime(), before.Size(), after.ModTime(), after.Size())
	}
	if _, err := os.Stat(f.db + ".wal"); err == nil {
		t.Errorf("serving left a write-ahead log beside the store")
	}
}

// TestConcurrent serves pages of several periods at once (run with -race).
func TestConcurrent(t *testing.T) {
	f := newOrg(t)
	srv := f.serve(t, "")
	paths := []string{"/findings", "/findings?period=" + f.month, "/plan", "/teams/growth", "/questions/review-load", "/report", "/"}
	errs := make(chan string, 4*len(paths))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		for _, p := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := srv.Client().Get(srv.URL + p)
				if err != nil {
					errs <- err.Error()
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- p + ": " + resp.Status
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
