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
	salt  string
	names map[string]string
}

// New numbers ids 1..n in the order of their salted hashes. Duplicates and
// empty ids are ignored.
func New(salt string, ids []string) *Pseudonymizer {
	seen := map[string]bool{}
	var uniq []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	p := &Pseudonymizer{salt: salt, names: make(map[string]string, len(uniq))}
	sort.Slice(uniq, func(i, j int) bool {
		hi, hj := p.hash(uniq[i]), p.hash(uniq[j])
		if hi != hj {
			return hi < hj
		}
		return uniq[i] < uniq[j]
	})
	for i, id := range uniq {
		p.names[id] = fmt.Sprintf("person-%d", i+1)
	}
	return p
}

// FromDB builds a Pseudonymizer over every person id of a systemic
// database: configured people and every identity (an identity without a
// person falls back to its identity id, as the analysis views do).
func FromDB(ctx context.Context, db *sql.DB, salt string) (*Pseudonymizer, error) {
	rows, err := db.QueryContext(ctx, `SELECT person_id FROM people
UNION SELECT coalesce(person_id, identity_id) FROM identities`)
	if err != nil {
		return nil, fmt.Errorf("read person ids: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id sql.NullString
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read person ids: %w", err)
		}
		ids = append(ids, id.String)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read person ids: %w", err)
	}
	return New(salt, ids), nil
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
	return "person-" + p.hash(id)[:6]
}

func (p *Pseudonymizer) hash(id string) string {
	h := sha256.Sum256([]byte(p.salt + "\x00" + id))
	return hex.EncodeToString(h[:])
}
