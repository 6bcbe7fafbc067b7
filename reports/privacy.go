package reports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Pseudonyms maps person ids to what a report shows: "person-N" by
// default, the display name with --names. N comes from ordering every
// person of the store by a salted hash of their id, so the numbering is
// stable for a store and says nothing about who is who.
type Pseudonyms struct {
	names   bool
	salt    string
	byID    map[string]string // person id -> person-N
	display map[string]string // person id -> display name
}

func loadPseudonyms(ctx context.Context, db *sql.DB, salt string, names bool) (*Pseudonyms, error) {
	rows, err := db.QueryContext(ctx, `SELECT person_id, max(display_name) FROM (
	SELECT person_id, display_name FROM people
	UNION ALL SELECT coalesce(person_id, identity_id), coalesce(display_name, login) FROM identities)
WHERE person_id IS NOT NULL GROUP BY person_id`)
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	defer rows.Close()
	p := &Pseudonyms{names: names, salt: salt, byID: map[string]string{}, display: map[string]string{}}
	var ids []string
	for rows.Next() {
		var id string
		var name sql.NullString
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("read people: %w", err)
		}
		ids = append(ids, id)
		if name.Valid && name.String != "" {
			p.display[id] = name.String
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	NewPseudonyms(ids, salt, names, p)
	return p, nil
}

// NewPseudonyms numbers ids by their salted hash; into, when not nil, is
// filled instead of a new value (display names kept).
func NewPseudonyms(ids []string, salt string, names bool, into *Pseudonyms) *Pseudonyms {
	p := into
	if p == nil {
		p = &Pseudonyms{names: names, salt: salt, byID: map[string]string{}, display: map[string]string{}}
	}
	sort.Slice(ids, func(i, j int) bool {
		hi, hj := p.hash(ids[i]), p.hash(ids[j])
		if hi != hj {
			return hi < hj
		}
		return ids[i] < ids[j]
	})
	for i, id := range ids {
		p.byID[id] = fmt.Sprintf("person-%d", i+1)
	}
	return p
}

func (p *Pseudonyms) hash(id string) string {
	h := sha256.Sum256([]byte(p.salt + "\x00" + id))
	return hex.EncodeToString(h[:8])
}

// Name is how the report shows person id. Team reviewers ("team:slug")
// are aggregates and shown as they are.
func (p *Pseudonyms) Name(id string) string {
	if id == "" || strings.HasPrefix(id, "team:") {
		return id
	}
	if p.names {
		if n, ok := p.display[id]; ok {
			return n
		}
		return id
	}
	if n, ok := p.byID[id]; ok {
		return n
	}
	// Someone the people tables do not know: still never the id itself.
	return "person-" + p.hash(id)[:6]
}

// Owner shows a plan's owner: as the person when the store knows the id,
// else as written in the plan.
func (p *Pseudonyms) Owner(id, written string) string {
	if _, ok := p.byID[id]; ok {
		return p.Name(id)
	}
	match := ""
	for known := range p.byID {
		if strings.HasPrefix(known, id+"-") {
			if match != "" {
				return written // ambiguous: two people share the first name
			}
			match = known
		}
	}
	if match != "" {
		return p.Name(match)
	}
	return written
}
