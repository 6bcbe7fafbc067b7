package privacy

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Pseudonymizer maps person ids to stable pseudonyms.
type Pseudonymizer struct {
	salt    string
	names   map[string]string
	aliases map[string]string // identity id, login, display name, email -> person id
}

// New numbers ids 1..n in the order of their salted hashes. Duplicates and
// empty ids are ignored.
func New(salt string, ids []string) *Pseudonymizer {
	return Numbered(salt, nil, ids)
}

// Numbered is New with numbers already given out (person id -> N, as the
// store keeps them): those keep their number, the others follow the highest
// in salted-hash order.
func Numbered(salt string, given map[string]int, ids []string) *Pseudonymizer {
	p := &Pseudonymizer{salt: salt, names: make(map[string]string, len(ids)), aliases: map[string]string{}}
	next := 0
	for id, n := range given {
		p.names[id] = fmt.Sprintf("person-%d", n)
		next = max(next, n)
	}
	for _, id := range Order(salt, ids) {
		if _, ok := p.names[id]; !ok {
			next++
			p.names[id] = fmt.Sprintf("person-%d", next)
		}
	}
	return p
}

// Order returns the distinct non-empty ids sorted by their salted hash: the
// order new people get their numbers in.
func Order(salt string, ids []string) []string {
	seen := map[string]bool{}
	var uniq []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	p := &Pseudonymizer{salt: salt}
	sort.Slice(uniq, func(i, j int) bool {
		hi, hj := p.hash(uniq[i]), p.hash(uniq[j])
		if hi != hj {
			return hi < hj
		}
		return uniq[i] < uniq[j]
	})
	return uniq
}

// Alias makes another name of a person (identity id, login, display name,
// email) take the person's pseudonym.
func (p *Pseudonymizer) Alias(alias, id string) {
	if alias != "" && alias != id {
		if _, ok := p.names[id]; ok {
			p.aliases[alias] = id
		}
	}
}

// FromDB builds a Pseudonymizer over every person id of a systemic
// database: configured people and every identity (an identity without a
// person falls back to its identity id, as the analysis views do). Each
// identity's id, login, display name, email and (non-numeric) external id
// become aliases.
func FromDB(ctx context.Context, db *sql.DB, salt string) (*Pseudonymizer, error) {
	// External ids become aliases unless they are plain numbers (GitHub user
	// ids), which could be mistaken for status or other ids; Jira account
	// ids and Data Center keys show up in changelog from/to ids.
	rows, err := db.QueryContext(ctx, `SELECT person_id, NULL, NULL, display_name, email, NULL FROM people
UNION ALL SELECT coalesce(person_id, identity_id), identity_id, login, display_name, email,
	CASE WHEN NOT regexp_full_match(external_id, '[0-9]+') THEN external_id END
FROM identities`)
	if err != nil {
		return nil, fmt.Errorf("read person ids: %w", err)
	}
	defer rows.Close()
	var ids []string
	var aliases [][6]sql.NullString // person id, identity id, login, display name, email, external id
	for rows.Next() {
		var a [6]sql.NullString
		if err := rows.Scan(&a[0], &a[1], &a[2], &a[3], &a[4], &a[5]); err != nil {
			return nil, fmt.Errorf("read person ids: %w", err)
		}
		ids = append(ids, a[0].String)
		aliases = append(aliases, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read person ids: %w", err)
	}
	given, err := numbers(ctx, db)
	if err != nil {
		return nil, err
	}
	p := Numbered(salt, given, ids)
	for _, a := range aliases {
		for _, alias := range a[1:] {
			p.Alias(alias.String, a[0].String)
		}
	}
	return p, nil
}

// Known reports whether s is a person id or an alias the Pseudonymizer knows.
func (p *Pseudonymizer) Known(s string) bool {
	_, ok := p.names[s]
	if !ok {
		_, ok = p.aliases[s]
	}
	return ok
}

// Name returns the pseudonym of a person id. A team reviewer ("team:x") and
// the empty string pass through unchanged; an id the database did not list
// gets a pseudonym derived from its salted hash, still stable.
func (p *Pseudonymizer) Name(id string) string {
	if id == "" || strings.HasPrefix(id, "team:") {
		return id
	}
	if n, ok := p.names[id]; ok {
		return n
	}
	if person, ok := p.aliases[id]; ok {
		return p.names[person]
	}
	return "person-" + p.hash(id)[:6]
}

func (p *Pseudonymizer) hash(id string) string {
	h := sha256.Sum256([]byte(p.salt + "\x00" + id))
	return hex.EncodeToString(h[:])
}

// numbers reads the pseudonym numbers the store gave out (none in a
// database older than schema 2).
func numbers(ctx context.Context, db *sql.DB) (map[string]int, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name = 'pseudonyms'`).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT person_id, n FROM pseudonyms`)
	if err != nil {
		return nil, fmt.Errorf("read pseudonyms: %w", err)
	}
	defer rows.Close()
	given := map[string]int{}
	for rows.Next() {
		var id string
		var num int
		if err := rows.Scan(&id, &num); err != nil {
			return nil, fmt.Errorf("read pseudonyms: %w", err)
		}
		given[id] = num
	}
	return given, rows.Err()
}
