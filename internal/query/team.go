package query

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// UnknownTeamError is a team the database does not know; Teams are the
// ones it does.
type UnknownTeamError struct {
	Team  string
	Teams []string
}

func (e *UnknownTeamError) Error() string {
	return fmt.Sprintf("team %q: no such team (teams: %s)", e.Team, strings.Join(e.Teams, ", "))
}

// KnownTeam refuses a team the database does not know with an
// *UnknownTeamError naming the teams, so a typo is an error rather than an
// empty answer that reads as "none". An empty team, or a database whose
// teams are not resolved yet, passes.
func KnownTeam(ctx context.Context, db *sql.DB, team string) error {
	if team == "" {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT team FROM teams ORDER BY team`)
	if err != nil {
		return fmt.Errorf("read teams: %w", err)
	}
	defer rows.Close()
	var teams []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return fmt.Errorf("read teams: %w", err)
		}
		if t == team {
			return nil
		}
		teams = append(teams, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read teams: %w", err)
	}
	if len(teams) == 0 {
		return nil
	}
	return &UnknownTeamError{Team: team, Teams: teams}
}
