package analysis

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuildID: the build ID read from the test binary is the one the go
// command reports for it, and a file that is no Go executable has none.
func TestBuildID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads ELF executables")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id, ok := buildID(exe)
	if !ok || strings.Count(id, "/") < 1 {
		t.Fatalf("build ID of the test binary: %q, %v", id, ok)
	}
	if out, err := exec.Command("go", "tool", "buildid", exe).Output(); err == nil {
		if want := strings.TrimSpace(string(out)); id != want {
			t.Errorf("build ID %q, go tool buildid says %q", id, want)
		}
	} else {
		t.Logf("go tool buildid: %v (compared with nothing)", err)
	}
	text := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(text, []byte("not an executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	if id, ok := buildID(text); ok {
		t.Errorf("a text file has build ID %q", id)
	}
}
