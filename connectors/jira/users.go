package jira

import (
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
	if _, ok := p.identities[id]; ok {
		return id
	}
	p.identities[id] = store.Identity{
		Source:      c.src,
		ExternalID:  ext,
		Login:       clean(u.Name),
		Email:       clean(u.EmailAddress),
		DisplayName: clean(u.DisplayName),
		Inactive:    u.Active != nil && !*u.Active,
	}
	return id
}
