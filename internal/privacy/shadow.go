package privacy

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ShadowPath is where the pseudonymised copy of the database at path lives:
// beside it, systemic.duckdb -> systemic.pseudonymised.duckdb.
func ShadowPath(path string) string {
	return strings.TrimSuffix(path, ".duckdb") + ".pseudonymised.duckdb"
}

// ShadowFresh reports whether the copy at shadow was written after the last
// change to the database at path (its file and its write-ahead log).
func ShadowFresh(path, shadow string) bool {
	s, err := os.Stat(shadow)
	if err != nil {
		return false
	}
	for _, p := range []string{path, path + ".wal"} {
		if st, err := os.Stat(p); err == nil && !s.ModTime().After(st.ModTime()) {
			return false
		}
	}
	return true
}

// SaltHash identifies a salt without revealing it; WriteShadow records it
// so a copy made with another salt is not reused.
func SaltHash(salt string) string {
	h := sha256.Sum256([]byte("systemic-salt\x00" + salt))
	return hex.EncodeToString(h[:8])
}

// WriteShadow writes a pseudonymised copy of every table and view of db
// (a systemic database, read-only or not) to the file shadow, replacing it
// atomically. Views become tables, so the copy needs nothing of the real
// file. In the copy every person id, identity id, login, display name and
// account id is a pseudonym (the "person-N" of FromDB, the numbering the
// reports use), emails are NULL and external ids hidden: no expression
// over the copy can reach a real value. Identity ids become
// "<source>/person-N", unique per account, so joins keep their shape.
// Free text (titles, summaries, sprint goals) is copied as it is.
func WriteShadow(ctx context.Context, db *sql.DB, shadow, salt string) error {
	m, err := newShadowMaps(ctx, db, salt)
	if err != nil {
		return err
	}
	// One temporary file per process: two queries refreshing the copy at
	// once each write their own and the last rename wins.
	tmp := filepath.Join(filepath.Dir(shadow), fmt.Sprintf(".%s.%d.tmp", filepath.Base(shadow), os.Getpid()))
	_ = os.Remove(tmp)
	_ = os.Remove(tmp + ".wal")
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("pseudonymised copy: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "ATTACH "+sqlString(tmp)+" AS shadow (READ_WRITE)"); err != nil {
		return fmt.Errorf("pseudonymised copy %s: %w", tmp, err)
	}
	err = m.copyAll(ctx, conn)
	if _, derr := conn.ExecContext(context.WithoutCancel(ctx), "DETACH shadow"); err == nil && derr != nil {
		err = derr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pseudonymised copy: %w", err)
	}
	if err := os.Rename(tmp, shadow); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pseudonymised copy: %w", err)
	}
	return nil
}

// shadowMaps hold every real value to replace and its pseudonym.
type shadowMaps struct {
	p        *Pseudonymizer
	salt     string
	person   map[string]string // person id or alias -> person-N
	identity map[string]string // identity id -> <source>/person-N
}

func newShadowMaps(ctx context.Context, db *sql.DB, salt string) (*shadowMaps, error) {
	p, err := FromDB(ctx, db, salt)
	if err != nil {
		return nil, err
	}
	m := &shadowMaps{p: p, salt: salt, person: map[string]string{}, identity: map[string]string{}}
	for id, n := range p.names {
		m.person[id] = n
	}
	for alias, id := range p.aliases {
		m.person[alias] = p.names[id]
	}
	rows, err := db.QueryContext(ctx, `SELECT identity_id, source, coalesce(person_id, identity_id) FROM identities ORDER BY identity_id`)
	if err != nil {
		return nil, fmt.Errorf("read identities: %w", err)
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var id, source, person string
		if err := rows.Scan(&id, &source, &person); err != nil {
			return nil, fmt.Errorf("read identities: %w", err)
		}
		base := source + "/" + p.Name(person)
		v := base
		for k := 2; taken[v]; k++ {
			v = fmt.Sprintf("%s#%d", base, k)
		}
		taken[v] = true
		m.identity[id] = v
	}
	return m, rows.Err()
}

// copyAll fills the attached database "shadow": the maps, every table and
// view pseudonymised, then drops the maps and records the salt's hash.
func (m *shadowMaps) copyAll(ctx context.Context, conn *sql.Conn) error {
	for name, kv := range map[string]map[string]string{"_person_map": m.person, "_identity_map": m.identity} {
		if err := writeMap(ctx, conn, name, kv); err != nil {
			return err
		}
	}
	rels, err := relations(ctx, conn)
	if err != nil {
		return err
	}
	for _, r := range rels {
		if r.name == "pseudonyms" { // real person ids -> numbers
			continue
		}
		if err := m.copyRelation(ctx, conn, r); err != nil {
			return fmt.Errorf("copy %s: %w", r.name, err)
		}
	}
	for _, stmt := range []string{"DROP TABLE shadow._person_map", "DROP TABLE shadow._identity_map",
		"CREATE TABLE shadow.pseudonymised AS SELECT now() AS made_at, " + sqlString(SaltHash(m.salt)) + " AS salt_hash"} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

func writeMap(ctx context.Context, conn *sql.Conn, name string, kv map[string]string) error {
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE TABLE shadow.%s (k VARCHAR PRIMARY KEY, v VARCHAR)", name)); err != nil {
		return err
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		if k != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for start := 0; start < len(keys); start += 500 {
		chunk := keys[start:min(start+500, len(keys))]
		var b strings.Builder
		args := make([]any, 0, 2*len(chunk))
		for i, k := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?)")
			args = append(args, k, kv[k])
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("INSERT INTO shadow.%s VALUES %s", name, b.String()), args...); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func sqlName(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
