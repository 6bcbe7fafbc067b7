package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Audiences a report can be written for.
const (
	// AudienceCoach (the default) keeps every detail: people as pseudonyms
	// (or names with --names) and the evidence behind each finding.
	AudienceCoach = "coach"
	// AudienceRoom is for a large audience: every finding at team level,
	// people described by their role, never by name or pseudonym (in a team
	// of five a pseudonym is a name), and no individual evidence.
	AudienceRoom = "room"
)

// Audiences lists the audiences, the default first.
var Audiences = []string{AudienceCoach, AudienceRoom}

// CheckAudience says whether a is an audience ("" is the default).
func CheckAudience(a string) error {
	if a == "" || a == AudienceCoach || a == AudienceRoom {
		return nil
	}
	return fmt.Errorf("audience %q: use %s", a, strings.Join(Audiences, " or "))
}

// roles describes people by what they do, for the room view: the main
// reviewer of N repositories, else a member of their team.
type roles struct {
	team      map[string]string // person id -> current team
	mainRepos map[string]int    // person id -> repositories where they review most
}

func loadRoles(ctx context.Context, db *sql.DB) (*roles, error) {
	r := &roles{team: map[string]string{}, mainRepos: map[string]int{}}
	const teams = `SELECT person_id, min(team) FROM team_members WHERE until IS NULL GROUP BY person_id`
	if err := scanPairs(ctx, db, teams, func(id, team string) { r.team[id] = team }); err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	const reviewers = `WITH n AS (
	SELECT it.container AS repo, coalesce(i.person_id, rv.reviewer_id) AS person, count(*) AS reviews
	FROM reviews rv JOIN items it USING (item_id) LEFT JOIN identities i ON i.identity_id = rv.reviewer_id
	WHERE rv.reviewer_id IS NOT NULL AND it.container IS NOT NULL GROUP BY ALL)
SELECT arg_max(person, (reviews, person)), repo FROM n GROUP BY repo`
	if err := scanPairs(ctx, db, reviewers, func(id, _ string) { r.mainRepos[id]++ }); err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	return r, nil
}

func scanPairs(ctx context.Context, db *sql.DB, q string, each func(a, b string)) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b sql.NullString
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		each(a.String, b.String)
	}
	return rows.Err()
}

// of is how the room view names person id.
func (r *roles) of(id string) string {
	where := "outside the configured teams"
	if t := r.team[id]; t != "" {
		where = "in " + t
	}
	if n := r.mainRepos[id]; n > 0 {
		return fmt.Sprintf("the main reviewer of %s (%s)", countWord(n, "repository", "repositories"), where)
	}
	if t := r.team[id]; t != "" {
		return "a member of " + t
	}
	return "someone " + where
}

// countWord writes small counts as words: "two repositories".
func countWord(n int, one, many string) string {
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
	w := fmt.Sprint(n)
	if n < len(words) {
		w = words[n]
	}
	if n == 1 {
		return w + " " + one
	}
	return w + " " + many
}

// roomView strips the report to what a room may see: findings about a
// person become findings about their role in their team, without the
// people, items or timeline behind them; per-person metrics are left out;
// decision-right owners and deciders are described by role.
func (m *model) roomView() {
	r := m.report
	r.Audience = AudienceRoom
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Evidence.People = nil
		if f.SubjectKind == "person" {
			f.SubjectKind = "role"
			f.Evidence.Items = nil
			f.Evidence.Timeline = nil
		}
	}
	metrics := r.Metrics[:0]
	for _, x := range r.Metrics {
		if x.ScopeKind != "person" {
			metrics = append(metrics, x)
		}
	}
	r.Metrics = metrics
}
