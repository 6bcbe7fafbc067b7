package reports_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/reports"
)

// chromium finds a headless browser, or skips (fails under CI=true).
func chromium(t *testing.T) string {
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

// TestReportInBrowser opens report.html from a file in headless Chromium:
// the screenshot must not be blank and the console must stay quiet.
// SYSTEMIC_SCREENSHOT=path keeps the screenshot.
func TestReportInBrowser(t *testing.T) {
	bin := chromium(t)
	st := newFixture(t)
	dir := t.TempDir()
	opts := fixtureOptions(t, dir)
	opts.Formats = []string{"html"}
	if _, err := reports.Generate(context.Background(), st, opts); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "shot.png")
	if keep := os.Getenv("SYSTEMIC_SCREENSHOT"); keep != "" {
		shot = keep
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0", "--screenshot="+shot, "--window-size=1280,2000",
		"file://"+filepath.Join(dir, "report.html"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("console: %s", line)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, stderr.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	if share := float64(ink) / float64(b.Dx()*b.Dy()/4); share < 0.02 {
		t.Errorf("screenshot is nearly blank: %.2f%% non-white pixels", 100*share)
	}
}
