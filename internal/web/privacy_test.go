package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
)

// TestNoRealNames: without names, no page carries a real name, login or
// email of the organisation, though the report and every question show
// people.
func TestNoRealNames(t *testing.T) {
	f := newOrg(t)
	srv := f.serve(t, "")
	st, err := store.OpenReadOnly(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.DB().Query(`SELECT DISTINCT v FROM (
	SELECT display_name AS v FROM people UNION ALL SELECT email FROM people
	UNION ALL SELECT login FROM identities UNION ALL SELECT display_name FROM identities)
WHERE v IS NOT NULL AND length(v) >= 5`)
	if err != nil {
		t.Fatal(err)
	}
	var real []string
	for rows.Next() {
		var v string
		rows.Scan(&v)
		real = append(real, v)
	}
	rows.Close()
	st.Close()
	if len(real) < 10 {
		t.Fatalf("only %d names to look for", len(real))
	}
	paths := []string{"/", "/report", "/findings", "/findings/1", "/findings/2", "/findings/3", "/plan", "/teams", "/views"}
	for _, x := range f.report.Findings {
		paths = append(paths, "/teams/"+x.Team)
	}
	for _, q := range query.Questions() {
		paths = append(paths, "/questions/"+q.Name)
	}
	people := 0
	for _, p := range paths {
		_, body := get(t, srv.Client(), srv.URL+p)
		people += strings.Count(body, "person-")
		for _, name := range real {
			if strings.Contains(body, template(name)) {
				t.Errorf("%s shows the real %q", p, name)
			}
		}
	}
	if people < 20 {
		t.Errorf("only %d pseudonyms on all pages: the test looks at no people", people)
	}
}
