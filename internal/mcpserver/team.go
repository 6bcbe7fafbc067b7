package mcpserver

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// KnownTeam refuses a team the database does not know, naming the teams,
// so a typo is not an empty answer that reads as "none".
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
	return fmt.Errorf("team %q: no such team (teams: %s)", team, strings.Join(teams, ", "))
}
