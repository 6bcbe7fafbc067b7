package web_test

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium finds a headless browser, or skips (fails under CI=true).
func chromium(t *testing.T) string {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("browser test: not in -short")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium); CI needs the browser test")
	}
	t.Skip("chromium not installed: skipping the browser test (apt-get install chromium to run it)")
	return ""
}

// browserLog collects what the page said on its console and every URL it
// requested.
type browserLog struct {
	mu       sync.Mutex
	console  []string
	requests []string
}

func (l *browserLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			args = append(args, string(a.Value)+a.Description)
		}
		l.console = append(l.console, string(ev.Type)+": "+strings.Join(args, " "))
	case *runtime.EventExceptionThrown:
		l.console = append(l.console, "exception: "+ev.ExceptionDetails.Text)
	case *cdplog.EventEntryAdded:
		l.console = append(l.console, string(ev.Entry.Level)+": "+ev.Entry.Text+" "+ev.Entry.URL)
	case *network.EventRequestWillBeSent:
		l.requests = append(l.requests, ev.Request.URL)
	}
}

// TestBrowser drives headless Chromium through the app: filter the
// findings by team and pattern, follow a finding to its evidence, submit a
// named question's form and read its table. The screenshot must not be
// blank, the console must stay quiet and every request must go to the
// app on loopback. SYSTEMIC_SCREENSHOT=path keeps the screenshot.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	f := newOrg(t)
	srv := f.serve(t, "")
	first := f.report.Findings[0]

	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1280, 1600),
		// On a loaded CI machine Chromium can take longer than the default
		// 20 s to print its DevTools address.
		chromedp.WSURLReadTimeout(2 * time.Minute)}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	var log browserLog
	if err := chromedp.Listen(ctx, log.listen); err != nil {
		t.Fatal(err)
	}
	deadline, stop := context.WithTimeout(ctx, 90*time.Second)
	defer stop()

	// The findings of the period, filtered by the first finding's team and pattern.
	step(t, deadline, "open findings", chromedp.Navigate(srv.URL+"/findings?period="+url.QueryEscape(f.period())),
		chromedp.WaitVisible(chromedp.CSS("form.filters")),
		chromedp.SetValue(chromedp.CSS(`select[name="team"]`), first.Team),
		chromedp.SetValue(chromedp.CSS(`select[name="pattern"]`), first.Pattern),
		chromedp.Click(chromedp.ID("filter")))
	loc := waitLocation(t, deadline, "pattern=")
	if !strings.Contains(loc, "team="+url.QueryEscape(first.Team)) || !strings.Contains(loc, "period=") {
		t.Errorf("the filtered page's URL does not hold the filters: %s", loc)
	}
	rows := text(t, deadline, chromedp.CSS("table.findings tbody"))
	if !strings.Contains(rows, first.Summary[:30]) {
		t.Errorf("filtered findings lack the finding %q:\n%s", first.Summary, rows)
	}
	for _, line := range strings.Split(strings.TrimSpace(rows), "\n") {
		if !strings.Contains(line, first.Team) {
			t.Errorf("a row of another team survived the filter: %s", line)
		}
	}

	// Follow it to its evidence.
	step(t, deadline, "follow the finding", chromedp.Click(chromedp.CSS("a.evidence")))
	waitLocation(t, deadline, "/findings/")
	if ev := text(t, deadline, chromedp.CSS("main")); !strings.Contains(ev, "Evidence") || !strings.Contains(ev, "Timeline") ||
		!strings.Contains(ev, first.Subject) {
		t.Errorf("the evidence page lacks evidence, timeline or subject %q:\n%s", first.Subject, ev)
	}

	// A named question's form, submitted.
	step(t, deadline, "ask a question", chromedp.Navigate(srv.URL+"/questions/review-load"),
		chromedp.WaitVisible(chromedp.ID("ask")),
		chromedp.SetValue(chromedp.CSS(`select[name="team"]`), first.Team),
		chromedp.SetValue(chromedp.CSS(`input[name="period"]`), f.month),
		chromedp.Click(chromedp.ID("run")))
	waitLocation(t, deadline, "period="+f.month)
	answer := text(t, deadline, chromedp.CSS("#answer"))
	if !strings.Contains(answer, "pickup_p50_work_hours") || strings.Count(answer, "\n") < 1 {
		t.Errorf("the answer table is empty:\n%s", answer)
	}

	shot, err := chromedp.Run(deadline, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("SYSTEMIC_SCREENSHOT"); keep != "" {
		os.WriteFile(keep, shot, 0o644)
	}
	if share := ink(t, shot); share < 0.02 {
		t.Errorf("screenshot is nearly blank: %.2f%% non-white pixels", 100*share)
	}

	// The report page: the report's own HTML, under the app's policy.
	step(t, deadline, "open the report", chromedp.Navigate(srv.URL+"/report?period="+url.QueryEscape(f.period())),
		chromedp.WaitReady(chromedp.CSS("body")))
	if body := text(t, deadline, chromedp.CSS("body")); !strings.Contains(body, first.Summary[:30]) {
		t.Errorf("the report page lacks the first finding")
	}

	log.mu.Lock()
	defer log.mu.Unlock()
	for _, line := range log.console {
		t.Errorf("console: %s", line)
	}
	if len(log.requests) < 4 {
		t.Errorf("only %d requests seen: %v", len(log.requests), log.requests)
	}
	for _, r := range log.requests {
		u, err := url.Parse(r)
		if u != nil && u.Scheme == "data" { // inline (the date picker's icon): nothing fetched
			continue
		}
		if err != nil || u.Hostname() != "127.0.0.1" {
			t.Errorf("request outside loopback: %s", r)
		}
	}
}

func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func text(t *testing.T, ctx context.Context, sel chromedp.CSS) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitLocation waits until the page's URL holds part (a form submitted
// or a link followed) and the new page is ready.
func waitLocation(t *testing.T, ctx context.Context, part string) string {
	t.Helper()
	for {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatalf("waiting for %q: %v", part, err)
		}
		if strings.Contains(loc, part) {
			if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
				t.Fatal(err)
			}
			return loc
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the page never reached %q (at %s)", part, loc)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ink is the share of non-white pixels of a PNG screenshot.
func ink(t *testing.T, shot []byte) float64 {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy()/4)
}
