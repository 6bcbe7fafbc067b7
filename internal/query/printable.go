package query

import (
	"fmt"
	"strings"
)

// printable escapes what a terminal would act on instead of showing:
// C0 and C1 control characters (ESC sequences that retitle, clear or move
// the cursor, BEL, a bare carriage return that overwrites the line, DEL)
// and the Unicode bidirectional overrides that reorder what a line seems
// to say. They become visible escapes such as \x1b or \u202e. keep lists
// control characters the format itself handles (newline and tab in CSV).
func printable(s, keep string) string {
	if !needsEscape(s, keep) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune(keep, r):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case isC1(r) || isBidi(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(s, keep string) bool {
	for _, r := range s {
		if (r < 0x20 || r == 0x7f || isC1(r) || isBidi(r)) && !strings.ContainsRune(keep, r) {
			return true
		}
	}
	return false
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// isBidi reports the embedding, override and isolate controls.
func isBidi(r rune) bool { return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) }
