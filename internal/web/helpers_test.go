package web_test

import (
	"html"
	"strconv"
	"strings"

	"github.com/systemic-dev/systemic/internal/privacy"
)

func strconvItoa(n int) string { return strconv.Itoa(n) }

// template is s as html/template escapes text.
func template(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "&#39;", "&#39;")
}

func shadow(db string) string { return privacy.ShadowPath(db) }
