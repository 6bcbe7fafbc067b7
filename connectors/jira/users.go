package jira

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/systemic-dev/systemic/internal/store"
)

// user is a Jira user object: Cloud has accountId, Data Center key and name.
type user struct {
	Self         string `json:"self"`
	AccountID    string `json:"accountId"`
	Key          string `json:"key"`
	Name         string `json:"name"`
	EmailAddress string `json:"emailAddress"`
	DisplayName  string `json:"displayName"`
	Active       *bool  `json:"active"`
}

// externalID is the account's stable id: accountId (Cloud), else key, else
// name (Data Center). Deactivated Cloud accounts can come with an empty
// accountId; their self link still names it.
func (u *user) externalID() string {
	switch {
	case u.AccountID != "":
		return u.AccountID
	case u.Key != "":
		return u.Key
	case u.Name != "":
		return u.Name
	}
	if su, err := url.Parse(u.Self); err == nil {
		q := su.Query()
		for _, k := range []string{"accountId", "key", "username"} {
			if v := q.Get(k); v != "" {
				return v
			}
		}
	}
	return ""
}

func (c *converter) userID(u *user) string {
	if u == nil {
		return ""
	}
	return store.IdentityID(c.src, u.externalID())
}

// person records u as an identity of the page and returns its identity id.
func (c *converter) person(p *page, u *user) string {
	if u == nil {
		return ""
	}
	ext := u.externalID()
	if ext == "" {
		return ""
	}
	id := store.IdentityID(c.src, ext)
	p.identities[id] = merge(p.identities[id], store.Identity{
		Source:      c.src,
		ExternalID:  ext,
		Login:       clean(u.Name),
		Email:       clean(u.EmailAddress),
		DisplayName: clean(u.DisplayName),
		Inactive:    u.Active != nil && !*u.Active,
	})
	return id
}

// merge combines two sightings of one account: Jira hides some fields in
// some places (a changelog author may lack the email an assignee object
// shows), so a value seen once is kept.
func merge(old, u store.Identity) store.Identity {
	if old.ExternalID == "" {
		return u
	}
	old.Login = cmp.Or(u.Login, old.Login)
	old.Email = cmp.Or(u.Email, old.Email)
	old.DisplayName = cmp.Or(u.DisplayName, old.DisplayName)
	old.Inactive = old.Inactive || u.Inactive
	return old
}

// loadIdentities reads the source's stored identities, so a page writes
// only the accounts that are new or changed (see merge).
func loadIdentities(ctx context.Context, st *store.Store, src string) (map[string]store.Identity, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT external_id, login, email, display_name, active
FROM identities WHERE source = ?`, src)
	if err != nil {
		return nil, fmt.Errorf("jira %s: read identities: %w", src, err)
	}
	defer rows.Close()
	out := map[string]store.Identity{}
	for rows.Next() {
		var ext string
		var login, email, name sql.NullString
		var active sql.NullBool
		if err := rows.Scan(&ext, &login, &email, &name, &active); err != nil {
			return nil, fmt.Errorf("jira %s: read identities: %w", src, err)
		}
		out[store.IdentityID(src, ext)] = store.Identity{Source: src, ExternalID: ext, Login: login.String,
			Email: email.String, DisplayName: name.String, Inactive: active.Valid && !active.Bool}
	}
	return out, rows.Err()
}

// changedIdentities merges a page's sightings into the known identities and
// returns those to write: a value seen once is kept, so the stored result
// does not depend on which pages a sync re-reads.
func changedIdentities(known, seen map[string]store.Identity) []store.Identity {
	var out []store.Identity
	for _, u := range sortedValues(seen) {
		id := store.IdentityID(u.Source, u.ExternalID)
		old, ok := known[id]
		m := merge(old, u)
		if ok && m == old {
			continue
		}
		known[id] = m
		out = append(out, m)
	}
	return out
}
