package query_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/query"
)

// TestOutputIsTerminalSafe: tracker text holding escape sequences (retitle
// the terminal, clear it, a C1 CSI), BEL, a bare carriage return or a
// bidi override comes out escaped in the table, csv and markdown formats,
// and Markdown output escapes HTML.
func TestOutputIsTerminalSafe(t *testing.T) {
	hostile := []string{"\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "ok\rFAKE", "\u009b31m", "\u202eevil", "del\x7f",
		"<script>alert(1)</script>"}
	res := &query.Result{Columns: []query.Column{{Name: "title\x1b[8m", Type: "VARCHAR"}}}
	for _, h := range hostile {
		res.Rows = append(res.Rows, []any{h})
	}
	raw := []string{"\x1b", "\x07", "\r", "\u009b", "\u202e", "\x7f"}
	for _, format := range []string{"table", "csv", "markdown"} {
		var b bytes.Buffer
		if err := query.Write(&b, res, format, 0); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, r := range raw {
			if strings.Contains(out, r) {
				t.Errorf("%s output holds %q raw:\n%q", format, r, out)
			}
		}
		if !strings.Contains(out, `\x1b]0;pwned\x07`) || !strings.Contains(out, `\u202eevil`) {
			t.Errorf("%s output does not show the escapes:\n%s", format, out)
		}
		if format == "markdown" && (strings.Contains(out, "<script>") || !strings.Contains(out, "&lt;script&gt;")) {
			t.Errorf("markdown passes HTML through:\n%s", out)
		}
	}
}
