package web

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/systemic-dev/systemic/reports"
)

var funcs = template.FuncMap{
	"pattern": func(p string) string { return strings.ReplaceAll(p, "_", " ") },
	"join":    strings.Join,
	"path":    url.PathEscape,
	"takes":   func(params []string, p string) bool { return contains(params, p) },
	"rows":    func(p *page, fs []reports.Finding) findingRows { return findingRows{Page: p, Findings: fs} },
}

// findingRows is what the findingrows template needs: the findings and
// the page whose period their links keep.
type findingRows struct {
	Page     *page
	Findings []reports.Finding
}
