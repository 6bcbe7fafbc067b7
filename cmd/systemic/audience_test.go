package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/privacy"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

// personStrings are every name, login, e-mail address, external id and
// pseudonym of every person the store knows, the strings a room view must
// never show.
func personStrings(t *testing.T, dbPath string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenReadOnly(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) >= 3 && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT coalesce(login, ''), coalesce(email, ''), coalesce(display_name, ''),
	coalesce(person_id, identity_id) FROM identities WHERE NOT coalesce(is_bot, false)
UNION ALL SELECT '', coalesce(email, ''), coalesce(display_name, ''), person_id FROM people WHERE NOT coalesce(is_bot, false)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	p, err := privacy.FromDB(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var login, email, name, id string
		if err := rows.Scan(&login, &email, &name, &id); err != nil {
			t.Fatal(err)
		}
		add(login)
		add(email)
		add(name)
		for _, part := range strings.Fields(name) { // first and last names alone
			add(part)
		}
		add(id)
		add(p.Name(id))
	}
	if err := rows.Err(); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return out
}

// TestRoomAudience: `report --audience room` writes no person's name,
// login, e-mail, id or pseudonym into report.html, report.md or
// report.json, describes people by role, and keeps every finding.
func TestRoomAudience(t *testing.T) {
	o := newConsistencyOrg(t)
	coach, _ := o.report(t, "--period", "last-quarter")
	out := t.TempDir()
	if code, _, stderr := systemic(t, "--config", o.cfg, "--db", o.db, "--log-level", "error", "report",
		"--period", "last-quarter", "--audience", "room", "--out", out); code != 0 {
		t.Fatalf("report --audience room: exit %d\n%s", code, stderr)
	}
	forbidden := personStrings(t, o.db)
	if len(forbidden) < 40 {
		t.Fatalf("only %d person strings: the check would prove little", len(forbidden))
	}
	for _, name := range []string{"report.html", "report.md", "report.json"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, s := range forbidden {
			// Whole words only: "Vera" is no leak in "coverage".
			re := regexp.MustCompile(`(?i)(^|[^\pL\pN])` + regexp.QuoteMeta(s) + `($|[^\pL\pN])`)
			if loc := re.FindStringIndex(text); loc != nil {
				t.Errorf("%s shows %q: ...%s...", name, s, text[max(0, loc[0]-60):min(len(text), loc[1]+60)])
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var room reports.Report
	if err := json.Unmarshal(b, &room); err != nil {
		t.Fatal(err)
	}
	if room.Audience != reports.AudienceRoom || len(room.Findings) != len(coach.Findings) {
		t.Errorf("room report: audience %q, %d findings; want room and the coach view's %d", room.Audience,
			len(room.Findings), len(coach.Findings))
	}
	roles := 0
	for _, f := range room.Findings {
		if f.SubjectKind == "person" || len(f.Evidence.People) > 0 {
			t.Errorf("finding %s %s keeps individual evidence: %+v", f.Pattern, f.Subject, f.Evidence)
		}
		if f.SubjectKind == "role" {
			roles++
		}
	}
	if roles == 0 {
		t.Error("no finding describes a person by role: the fixture should hold person findings")
	}
}

func TestReportAudienceChoice(t *testing.T) {
	for _, tc := range []struct {
		flag, config, want string
		err                bool
	}{
		{"", "", reports.AudienceCoach, false},
		{"", "room", reports.AudienceRoom, false},
		{"coach", "room", reports.AudienceCoach, false},
		{"room", "", reports.AudienceRoom, false},
		{"everyone", "", "", true},
		{"", "hall", "", true},
	} {
		cfg := &config.Config{Privacy: config.Privacy{Audience: tc.config}}
		got, err := reportAudience(cfg, tc.flag)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("flag %q, config %q: %q, %v; want %q (error %v)", tc.flag, tc.config, got, err, tc.want, tc.err)
		}
	}
}
