package jira

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"

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

// identityUpsert writes identities keeping stored values the new sighting
// lacks (see merge), so the result does not depend on which pages a sync
// re-reads. person_id (set by identity resolution) is left alone.
const identityUpsert = `INSERT INTO identities (identity_id, source, external_id, login, email, display_name, is_bot, active)
VALUES %s ON CONFLICT (identity_id) DO UPDATE SET
  login = COALESCE(excluded.login, identities.login),
  email = COALESCE(excluded.email, identities.email),
  display_name = COALESCE(excluded.display_name, identities.display_name),
  active = excluded.active AND identities.active`

func putIdentities(tx *store.Tx, ids []store.Identity) error {
	if len(ids) == 0 {
		return nil
	}
	var rows []string
	var args []any
	for _, u := range ids {
		rows = append(rows, "(?, ?, ?, ?, ?, ?, false, ?)")
		args = append(args, store.IdentityID(u.Source, u.ExternalID), u.Source, u.ExternalID,
			nullable(u.Login), nullable(u.Email), nullable(u.DisplayName), !u.Inactive)
	}
	if _, err := tx.Exec(fmt.Sprintf(identityUpsert, strings.Join(rows, ", ")), args...); err != nil {
		return fmt.Errorf("write identities: %w", err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
