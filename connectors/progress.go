package connectors

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Progress reports how far a sync has come: a redrawn bar when stderr is a
// terminal, otherwise a log line at most every interval. It is safe for
// concurrent use.
type Progress struct {
	mu       sync.Mutex
	w        io.Writer // nil: log lines instead of a bar
	log      *slog.Logger
	label    string
	done     int
	total    int
	last     time.Time
	interval time.Duration
}

// NewProgress starts a progress report. With bar false (or w nil) it logs.
func NewProgress(w io.Writer, bar bool, log *slog.Logger, label string) *Progress {
	p := &Progress{log: log, label: label, interval: 10 * time.Second, last: time.Now()}
	if bar {
		p.w = w
	}
	return p
}

// SetTotal sets the expected count (0 when unknown).
func (p *Progress) SetTotal(n int) {
	p.mu.Lock()
	p.total = n
	p.mu.Unlock()
}

// Add records n more units done.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.w != nil {
		p.draw()
		return
	}
	if time.Since(p.last) >= p.interval {
		p.last = time.Now()
		p.log.Info("sync progress", "what", p.label, "done", p.done, "total", p.total)
	}
}

// Finish ends the bar (or logs the final count).
func (p *Progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w != nil {
		p.draw()
		fmt.Fprintln(p.w)
		return
	}
	p.log.Info("sync progress", "what", p.label, "done", p.done, "total", p.total)
}

func (p *Progress) draw() {
	const width = 30
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r%s: %d", p.label, p.done)
		return
	}
	n := min(width, p.done*width/p.total)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < n {
			bar[i] = '='
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d", p.label, bar, p.done, p.total)
}
