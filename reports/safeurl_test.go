package reports_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/reports"
)

func TestSafeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://acme.atlassian.net/browse/PLAT-1", "https://acme.atlassian.net/browse/PLAT-1"},
		{"https://user:TOKEN@acme.atlassian.net/browse/PLAT-1", "https://acme.atlassian.net/browse/PLAT-1"},
		{"http://TOKEN@h/x", "http://h/x"},
		{"javascript:alert(1)", ""},
		{" JavaScript:alert(1)", ""},
		{"data:text/html,<script>", ""},
		{"/browse/PLAT-1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := reports.SafeURL(tt.in); got != tt.want {
			t.Errorf("SafeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRenderedURLsAreSafe: an item URL holding a credential, or a
// javascript: URL, reaches none of report.json, report.md and report.html.
func TestRenderedURLsAreSafe(t *testing.T) {
	r := &reports.Report{Findings: []reports.Finding{{Pattern: "silo", Summary: "s", Evidence: analysis.Evidence{
		Items: []analysis.EvidenceItem{
			{Key: "PLAT-1", URL: "https://user:TOKEN-77@acme.atlassian.net/browse/PLAT-1"},
			{Key: "PLAT-2", URL: "javascript:alert(document.cookie)"},
		}}}}}
	html, err := reports.HTML(r)
	if err != nil {
		t.Fatal(err)
	}
	js, err := reports.JSON(r)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"html": string(html), "md": string(reports.Markdown(r)), "json": string(js)} {
		for _, bad := range []string{"TOKEN-77", "user:", "javascript:"} {
			if strings.Contains(out, bad) {
				t.Errorf("report.%s holds %q", name, bad)
			}
		}
	}
	if !strings.Contains(string(js), `"url": "https://acme.atlassian.net/browse/PLAT-1"`) {
		t.Errorf("report.json lost the safe URL:\n%s", js)
	}
}

// TestWriteFileAtomic: the file is replaced by a rename (a new inode, not
// the old one truncated and rewritten), with its permissions, and no
// temporary file is left behind; when the rename fails the old content
// stays.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if err := reports.WriteFileAtomic(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" || os.SameFile(before, after) || after.Mode().Perm() != 0o644 {
		t.Errorf("content %q, same inode %v, mode %v", got, os.SameFile(before, after), after.Mode())
	}
	busy := filepath.Join(dir, "busy")
	if err := os.MkdirAll(filepath.Join(busy, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteFileAtomic(busy, []byte("new"), 0o644); err == nil {
		t.Error("renaming over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}
