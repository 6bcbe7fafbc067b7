package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// lines writes one JSON value per line through a buffer. The first error
// sticks and is returned by close, so simulation code stays free of error
// plumbing.
type lines struct {
	path string
	f    *os.File
	w    *bufio.Writer
	enc  *json.Encoder
	n    int
	err  error
}

func createLines(path string) (*lines, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &lines{path: path, f: f, w: w, enc: enc}, nil
}

func (l *lines) put(v any) {
	if l.err != nil {
		return
	}
	if err := l.enc.Encode(v); err != nil {
		l.err = fmt.Errorf("synth: write %s line %d: %w", l.path, l.n+1, err)
	}
	l.n++
}

func (l *lines) close() error {
	if l.err == nil {
		if err := l.w.Flush(); err != nil {
			l.err = fmt.Errorf("synth: write %s: %w", l.path, err)
		}
	}
	if err := l.f.Close(); err != nil && l.err == nil {
		l.err = fmt.Errorf("synth: close %s: %w", l.path, err)
	}
	return l.err
}

// writeJSON writes one indented JSON document.
func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("synth: encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
