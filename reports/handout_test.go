package reports_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/reports"
)

// printedPages prints an HTML file to PDF in headless Chromium, on its
// default paper or, with a4, on A4, and counts the PDF's pages with
// pdfinfo. Without the tools it skips (fails under CI=true).
func printedPages(t *testing.T, page string, a4 bool) int {
	t.Helper()
	bin := chromium(t)
	pdfinfo, err := exec.LookPath("pdfinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdfinfo is not installed (apt-get install poppler-utils); CI needs the handout page count")
		}
		t.Skip("pdfinfo not installed: skipping the page count (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if a4 {
		src = bytes.Replace(src, []byte("@page {"), []byte("@page { size: A4;"), 1)
	}
	html := filepath.Join(dir, "page.html")
	if err := os.WriteFile(html, src, 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "page.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Headless Chromium now and then dies of a signal on a loaded machine
	// before printing; such a crash is tried again (three runs in all),
	// any other failure is the test's.
	for run := 1; ; run++ {
		cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
			"--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+html)
		out, err := cmd.CombinedOutput()
		if err == nil {
			break
		}
		if exit, ok := err.(*exec.ExitError); !ok || exit.Exited() || run == 3 || ctx.Err() != nil {
			t.Fatalf("chromium --print-to-pdf (run %d): %v\n%s", run, err, out)
		}
	}
	out, err := exec.Command(pdfinfo, pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// checkHandoutPages fails when the handout prints on more than two pages,
// on Letter or on A4.
func checkHandoutPages(t *testing.T, page string) {
	t.Helper()
	for _, a4 := range []bool{false, true} {
		n := printedPages(t, page, a4)
		t.Logf("%s: %d printed pages (A4: %v)", filepath.Base(page), n, a4)
		if n > 2 || n < 1 {
			t.Errorf("%s prints on %d pages (A4: %v), want one or two", filepath.Base(page), n, a4)
		}
	}
}

// fifteenGoals is the fixture plan's dependencies and agreements with 15
// goals of long titles, most of them off track.
func fifteenGoals(t *testing.T) *config.Plan {
	t.Helper()
	var b strings.Builder
	b.WriteString("goals:\n")
	for i := range 15 {
		team := []string{"growth", "platform"}[i%2]
		fmt.Fprintf(&b, "  - {id: g%d, title: \"Goal %d: a long goal title that a coach copied from the quarterly planning slide\", team: %s, due: 2026-10-%02d, scope: {projects: [%s]}}\n",
			i, i, team, 10+i, map[string]string{"growth": "GROW", "platform": "PLAT"}[team])
	}
	data, err := os.ReadFile("testdata/plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rest := string(data)
	rest = rest[strings.Index(rest, "\ndependencies:")+1:]
	p, err := config.ParsePlan("plan.yaml", []byte(b.String()+rest), []string{"growth", "platform"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHandoutWithFifteenGoals: with fifteen goals the handout still prints
// on at most two pages, and the full report's first screen leads with what
// stands out and shows the goals as a compact table rather than tiles.
func TestHandoutWithFifteenGoals(t *testing.T) {
	st := newFixture(t)
	dir := t.TempDir()
	opts := fixtureOptions(t, dir)
	opts.Plan = fifteenGoals(t)
	opts.Formats = []string{"html", "handout"}
	res, err := reports.Generate(context.Background(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Plan.Goals) != 15 {
		t.Fatalf("%d goals", len(res.Report.Plan.Goals))
	}
	full, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(full)
	top := page[:strings.Index(page, `<section class="layer"`)]
	stand, table := strings.Index(top, "What stands out"), strings.Index(top, `class="goal-table"`)
	if stand < 0 || table < 0 || stand > table {
		t.Errorf("first screen: 'What stands out' at %d, compact goal table at %d; want the stand-outs first", stand, table)
	}
	if strings.Contains(top, `class="tile `) {
		t.Error("first screen shows goal tiles with fifteen goals; want the compact table")
	}
	hand, err := os.ReadFile(filepath.Join(dir, "handout.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"What matters most", "Plan items off track", "Our notes", "Try:"} {
		if !strings.Contains(string(hand), want) {
			t.Errorf("handout lacks %q", want)
		}
	}
	checkHandoutPages(t, filepath.Join(dir, "handout.html"))
}

// TestFewGoalsKeepTiles: a handful of goals stays as tiles on the first
// screen (the fixture's plan).
func TestFewGoalsKeepTiles(t *testing.T) {
	st := newFixture(t)
	dir := t.TempDir()
	opts := fixtureOptions(t, dir)
	opts.Formats = []string{"html"}
	if _, err := reports.Generate(context.Background(), st, opts); err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(page), `class="tile `) || strings.Contains(string(page), `class="goal-table"`) {
		t.Error("a handful of goals should show as tiles")
	}
}
