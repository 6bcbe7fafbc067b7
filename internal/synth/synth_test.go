package synth_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/systemic-dev/systemic/internal/synth"
)

// smallSpec is a reduced organisation that still carries every pattern.
func smallSpec() synth.Spec {
	s := synth.DefaultSpec()
	s.Months, s.ItemsPerTeamMonth = 6, 14
	return s
}

// hashDir hashes every file's path and content under dir.
func hashDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sums[rel] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	spec := smallSpec()
	if _, err := synth.Generate(a, spec); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Generate(b, spec); err != nil {
		t.Fatal(err)
	}
	ha, hb := hashDir(t, a), hashDir(t, b)
	if len(ha) < 10 {
		t.Fatalf("only %d files generated", len(ha))
	}
	if diff := cmp.Diff(ha, hb); diff != "" {
		t.Errorf("same spec, different files (-first +second):\n%s", diff)
	}
	spec.Seed = 2
	c := t.TempDir()
	if _, err := synth.Generate(c, spec); err != nil {
		t.Fatal(err)
	}
	if hc := hashDir(t, c); hc["jira/issues.jsonl"] == ha["jira/issues.jsonl"] {
		t.Error("seed 2 gave the same Jira issues as seed 1")
	}
}

func TestGenerateRejectsBadSpec(t *testing.T) {
	tests := []struct {
		name string
		edit func(*synth.Spec)
	}{
		{"no teams", func(s *synth.Spec) { s.Teams = 0 }},
		{"fewer people than teams", func(s *synth.Spec) { s.People = 3 }},
		{"no months", func(s *synth.Spec) { s.Months = 0 }},
		{"no items", func(s *synth.Spec) { s.ItemsPerTeamMonth = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := smallSpec()
			tt.edit(&s)
			if _, err := synth.Generate(t.TempDir(), s); err == nil {
				t.Error("want an error, got none")
			}
		})
	}
}

// eachLine decodes every line of a JSON Lines file into a fresh T.
func eachLine[T any](t *testing.T, path string, fn func(int, *T)) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		v := new(T)
		if err := json.Unmarshal(sc.Bytes(), v); err != nil {
			t.Fatalf("%s line %d: %v", path, n, err)
		}
		fn(n, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func repoDirs(t *testing.T, dir string) []string {
	t.Helper()
	ms, err := filepath.Glob(filepath.Join(dir, "github", "repos", "*", "*"))
	if err != nil || len(ms) == 0 {
		t.Fatalf("no repositories under %s: %v", dir, err)
	}
	sort.Strings(ms)
	return ms
}

// TestGenerateAnySize checks that organisations too small for some planted
// patterns still generate, with the patterns that fit.
func TestGenerateAnySize(t *testing.T) {
	for _, tc := range []struct{ teams, people, patterns int }{{1, 1, 1}, {3, 5, 5}, {8, 50, 9}} {
		t.Run(strconv.Itoa(tc.teams), func(t *testing.T) {
			s := smallSpec()
			s.Teams, s.People, s.Months, s.ItemsPerTeamMonth = tc.teams, tc.people, 2, 5
			res, err := synth.Generate(t.TempDir(), s)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Truth.Patterns) != tc.patterns || res.Items == 0 {
				t.Errorf("%d patterns, %d items; want %d patterns", len(res.Truth.Patterns), res.Items, tc.patterns)
			}
		})
	}
}
