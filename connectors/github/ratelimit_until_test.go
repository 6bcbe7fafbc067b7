package github

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestPacingLogNamesARealTime checks that the wait logged while pacing a
// low budget names when it ends, not the zero time (the log printed
// until=0001-01-01T00:00:00Z).
func TestPacingLogNamesARealTime(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	l := newLimiter(nil, time.Hour, slog.New(slog.NewTextHandler(&buf, nil)))
	l.now = func() time.Time { return now }
	l.known, l.limit, l.remaining, l.reset = true, 5000, 10, now.Add(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // log, then return at once instead of sleeping
	_ = l.before(ctx)
	out := buf.String()
	if !strings.Contains(out, "rate limit: waiting") || strings.Contains(out, "0001-01-01") || !strings.Contains(out, "until=2026-12-05T12:00:02Z") {
		t.Errorf("pacing log = %q, want the end of the pause", out)
	}
}
