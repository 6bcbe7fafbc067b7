package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/privacy"
)

// Org is the declared organisation the resolve step applies: teams with
// their members and what they own, and people with their accounts.
type Org struct {
	Teams  []Team
	People []Person
	// Salt orders newcomers' pseudonym numbers (config privacy.salt).
	Salt string
}

// Team is a declared team.
type Team struct {
	Name        string
	Members     []string // person names, logins, emails or "kind:id" references
	Projects    []string // Jira project keys
	Components  []string // Jira components
	Repos       []string // GitHub owner/name
	GitHubTeams []string // GitHub team slugs
}

// Person is one human with accounts on several sources.
type Person struct {
	Name string
	IDs  []string // emails, "github:login", "jira:accountId", bare logins
}

// PersonID is the stable id of a declared person: the name lowercased with
// runs of anything but letters and digits turned into "-".
func PersonID(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

type identity struct {
	id, source, kind, externalID, login, email, name string
}

// Resolve merges identities into people, records team membership and
// ownership, and sets each item's team: by the team owning its project,
// component or repository, else by its assignee's (for pull requests, its
// author's) team. It runs after every sync and is idempotent.
func (s *Store) Resolve(ctx context.Context, org Org) error {
	ids, err := s.identities(ctx)
	if err != nil {
		return err
	}
	people, byRef := personIndex(org.People)
	assign := map[string]string{} // identity id -> person id
	for _, id := range ids {
		assign[id.id] = matchPerson(id, byRef)
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{"DELETE FROM people", "DELETE FROM teams", "DELETE FROM team_members", "DELETE FROM team_ownership"} {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("resolve: %w", err)
		}
	}
	for _, p := range people {
		if _, err := tx.Exec(`INSERT INTO people VALUES (?, ?, ?, false)`, p.id, p.name, str(p.email)); err != nil {
			return fmt.Errorf("resolve people: %w", err)
		}
	}
	for id, person := range assign {
		if _, err := tx.Exec(`UPDATE identities SET person_id = ? WHERE identity_id = ?`, str(person), id); err != nil {
			return fmt.Errorf("resolve identities: %w", err)
		}
	}
	if err := writeTeams(tx, org.Teams, ids, assign, byRef); err != nil {
		return err
	}
	if _, err := tx.Exec(itemTeamSQL); err != nil {
		return fmt.Errorf("resolve item teams: %w", err)
	}
	if err := s.number(ctx, tx, org.Salt); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) identities(ctx context.Context) ([]identity, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.identity_id, i.source, coalesce(s.kind, ''), i.external_id,
	coalesce(i.login, ''), coalesce(lower(i.email), ''), coalesce(i.display_name, '')
FROM identities i LEFT JOIN sources s ON s.name = i.source ORDER BY i.identity_id`)
	if err != nil {
		return nil, fmt.Errorf("resolve: read identities: %w", err)
	}
	defer rows.Close()
	var out []identity
	for rows.Next() {
		var id identity
		if err := rows.Scan(&id.id, &id.source, &id.kind, &id.externalID, &id.login, &id.email, &id.name); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

type declared struct{ id, name, email string }

// personIndex maps every reference of a declared person (lowercased) to its
// person id: the name, the id, each account reference.
func personIndex(people []Person) ([]declared, map[string]string) {
	byRef := map[string]string{}
	var out []declared
	for _, p := range people {
		d := declared{id: PersonID(p.Name), name: p.Name}
		byRef[strings.ToLower(p.Name)] = d.id
		byRef[d.id] = d.id
		for _, ref := range p.IDs {
			ref = strings.ToLower(strings.TrimSpace(ref))
			byRef[ref] = d.id
			if d.email == "" && strings.Contains(ref, "@") && !strings.Contains(ref, ":") {
				d.email = ref
			}
		}
		out = append(out, d)
	}
	return out, byRef
}

// matchPerson finds the declared person of an account, else falls back on
// the email (which merges the same address across sources), else the
// identity id itself.
func matchPerson(id identity, byRef map[string]string) string {
	refs := []string{id.email, id.kind + ":" + id.externalID, id.kind + ":" + id.login, id.source + ":" + id.login,
		id.source + ":" + id.externalID, id.login}
	for _, r := range refs {
		r = strings.ToLower(r)
		if r == "" || strings.HasSuffix(r, ":") {
			continue
		}
		if p, ok := byRef[r]; ok {
			return p
		}
	}
	if id.email != "" {
		return id.email
	}
	return id.id
}

func writeTeams(tx *Tx, teams []Team, ids []identity, assign, byRef map[string]string) error {
	// Members may name an account directly (a login or email) that no
	// people entry declares.
	byAccount := map[string]string{}
	for _, id := range ids {
		for _, r := range []string{id.login, id.email, id.externalID, id.kind + ":" + id.login, id.kind + ":" + id.externalID} {
			if r != "" {
				byAccount[strings.ToLower(r)] = assign[id.id]
			}
		}
	}
	for _, t := range teams {
		if _, err := tx.Exec(`INSERT INTO teams VALUES (?)`, t.Name); err != nil {
			return fmt.Errorf("resolve teams: %w", err)
		}
		seen := map[string]bool{}
		for _, m := range t.Members {
			ref := strings.ToLower(strings.TrimSpace(m))
			person, ok := byRef[ref]
			if !ok {
				person, ok = byAccount[ref]
			}
			if !ok {
				person = PersonID(m)
			}
			if seen[person] {
				continue
			}
			seen[person] = true
			if _, err := tx.Exec(`INSERT INTO team_members VALUES (?, ?, NULL, NULL)`, t.Name, person); err != nil {
				return fmt.Errorf("resolve team members: %w", err)
			}
		}
		own := map[string][]string{"project": t.Projects, "component": t.Components, "repo": t.Repos, "github_team": t.GitHubTeams}
		for _, kind := range []string{"project", "component", "repo", "github_team"} {
			for _, v := range own[kind] {
				if _, err := tx.Exec(`INSERT INTO team_ownership VALUES (?, NULL, ?, ?)`, t.Name, kind, v); err != nil {
					return fmt.Errorf("resolve ownership: %w", err)
				}
			}
		}
	}
	return nil
}

// itemTeamSQL sets items.team: the owner of the item's project or
// repository, else of one of its components, else the team of the person
// doing the work (assignee; for pull requests the author).
const itemTeamSQL = `
UPDATE items SET team = t.team FROM (
	SELECT it.item_id, coalesce(
		(SELECT min(o.team) FROM team_ownership o WHERE o.kind IN ('project', 'repo') AND o.value = it.container),
		(SELECT min(o.team) FROM team_ownership o WHERE o.kind = 'component' AND list_contains(it.components, o.value)),
		(SELECT min(m.team) FROM team_members m JOIN identities i ON i.person_id = m.person_id
		 WHERE i.identity_id = coalesce(pr.author_id, it.assignee_id) AND m.until IS NULL)) AS team
	FROM items it LEFT JOIN pull_requests pr ON pr.item_id = it.item_id
) t WHERE items.item_id = t.item_id AND items.team IS DISTINCT FROM t.team`

// OrgOf takes the teams and people of a config.
func OrgOf(cfg *config.Config) Org {
	var org Org
	for _, t := range cfg.Teams {
		org.Teams = append(org.Teams, Team{Name: t.Name, Members: t.Members, Projects: t.Jira.Projects,
			Components: t.Jira.Components, Repos: t.GitHub.Repos, GitHubTeams: t.GitHub.Teams})
	}
	for _, p := range cfg.People {
		org.People = append(org.People, Person{Name: p.Name, IDs: p.IDs})
	}
	org.Salt = cfg.Privacy.Salt
	return org
}

// number gives each person without a pseudonym number the next ones, in
// salted-hash order, so numbers never move when people join or leave.
func (s *Store) number(ctx context.Context, tx *Tx, salt string) error {
	rows, err := tx.conn.QueryContext(ctx, `SELECT person_id FROM (
	SELECT person_id FROM people UNION SELECT coalesce(person_id, identity_id) FROM identities)
WHERE person_id NOT IN (SELECT person_id FROM pseudonyms)`)
	if err != nil {
		return fmt.Errorf("resolve pseudonyms: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("resolve pseudonyms: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("resolve pseudonyms: %w", err)
	}
	var next int
	if err := tx.conn.QueryRowContext(ctx, `SELECT coalesce(max(n), 0) FROM pseudonyms`).Scan(&next); err != nil {
		return fmt.Errorf("resolve pseudonyms: %w", err)
	}
	for _, id := range privacy.Order(salt, ids) {
		next++
		if _, err := tx.Exec(`INSERT INTO pseudonyms VALUES (?, ?)`, id, next); err != nil {
			return fmt.Errorf("resolve pseudonyms: %w", err)
		}
	}
	return nil
}
