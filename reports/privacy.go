package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/privacy"
)

// Pseudonyms maps person ids to what a report shows: the stable "person-N"
// of internal/privacy (the same numbering `systemic query` uses) by
// default, the display name with --names.
type Pseudonyms struct {
	names   bool
	p       *privacy.Pseudonymizer
	ids     []string          // every person id the store knows
	teams   map[string]bool   // lowercased team names
	display map[string]string // person id -> display name
	room    *roles            // set for the room audience: people by role
}

func loadPseudonyms(ctx context.Context, db *sql.DB, salt string, names bool) (*Pseudonyms, error) {
	p, err := privacy.FromDB(ctx, db, salt)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT person_id, max(display_name) FROM (
	SELECT person_id, display_name FROM people
	UNION ALL SELECT coalesce(person_id, identity_id), coalesce(display_name, login) FROM identities)
WHERE person_id IS NOT NULL GROUP BY person_id ORDER BY person_id`)
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	defer rows.Close()
	ps := &Pseudonyms{names: names, p: p, display: map[string]string{}}
	for rows.Next() {
		var id string
		var name sql.NullString
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read people: %w", err)
		}
		ps.ids = append(ps.ids, id)
		if name.Valid && name.String != "" {
			ps.display[id] = name.String
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	ps.teams, err = loadTeams(ctx, db)
	return ps, err
}

// loadTeams reads every team name the store knows, lowercased.
func loadTeams(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT team FROM teams UNION SELECT team FROM team_members
	UNION SELECT team FROM team_ownership UNION SELECT DISTINCT team FROM items WHERE team IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	defer rows.Close()
	teams := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("read teams: %w", err)
		}
		teams[strings.ToLower(t)] = true
	}
	return teams, rows.Err()
}

// Name is how the report shows person id. Team reviewers ("team:slug")
// are aggregates and shown as they are.
func (p *Pseudonyms) Name(id string) string {
	if p.room != nil {
		return p.room.of(id)
	}
	if p.names {
		if n, ok := p.display[id]; ok {
			return n
		}
		return id
	}
	return p.p.Name(id)
}

// Owner shows an owner named in the plan: as the person when the store
// knows the id (or exactly one person whose id starts with it: "carol" is
// "carol-diaz"); as written when it is a team or names are shown; else,
// as it may be a person the store does not know, as a pseudonym.
func (p *Pseudonyms) Owner(id, written string) string {
	if known, ok := analysis.OwnerID(p.ids, id); ok {
		return p.Name(known)
	}
	if p.teams[strings.ToLower(strings.TrimSpace(written))] || p.names && p.room == nil {
		return written
	}
	if p.room != nil {
		return "a named owner"
	}
	return p.p.Name(id)
}
