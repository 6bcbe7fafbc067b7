package githubtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// route answers one GET with its status, body and Link header.
func (s *Server) route(r *http.Request, path string) (int, []byte, string) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	q := r.URL.Query()
	s.mu.Lock()
	repos, order := s.repos, s.order // Load may swap them
	s.mu.Unlock()
	if len(seg) == 3 && seg[0] == "orgs" && seg[2] == "repos" {
		var list []*entry
		for _, name := range order {
			if rp := repos[name]; strings.EqualFold(rp.owner, seg[1]) {
				list = append(list, &entry{raw: rp.raw})
			}
		}
		return page(r, list, nil)
	}
	if len(seg) < 3 || seg[0] != "repos" {
		return notFound()
	}
	rp, ok := repos[seg[1]+"/"+seg[2]]
	if !ok {
		return notFound()
	}
	rest := seg[3:]
	switch {
	case len(rest) == 0:
		return http.StatusOK, rp.raw, ""
	case len(rest) == 1 && rest[0] == "pulls":
		return page(r, rp.listPulls(q), func(e *entry) json.RawMessage { return e.list })
	case len(rest) == 2 && rest[0] == "pulls" && rest[1] == "comments":
		return page(r, sinceSorted(rp.reviewComments, q, false), nil)
	case len(rest) == 2 && rest[0] == "pulls":
		if e := rp.pullByNum[atoi(rest[1])]; e != nil {
			return http.StatusOK, e.raw, ""
		}
	case len(rest) == 3 && rest[0] == "pulls" && rest[2] == "reviews":
		if e := rp.pullByNum[atoi(rest[1])]; e != nil {
			return page(r, rp.reviews[e.number], nil)
		}
	case len(rest) == 1 && rest[0] == "issues":
		return page(r, sinceSorted(filterState(rp.issues, q.Get("state")), q, true), nil)
	case len(rest) == 2 && rest[0] == "issues" && rest[1] == "events":
		return page(r, reversed(rp.events), nil)
	case len(rest) == 2 && rest[0] == "issues" && rest[1] == "comments":
		return page(r, sinceSorted(rp.comments, q, false), nil)
	case len(rest) == 3 && rest[0] == "issues" && rest[2] == "events":
		return page(r, rp.eventsOf(atoi(rest[1])), nil)
	case len(rest) == 3 && rest[0] == "issues" && rest[2] == "timeline":
		return page(r, rp.timeline(atoi(rest[1])), nil)
	}
	return notFound()
}

func notFound() (int, []byte, string) {
	return http.StatusNotFound, []byte(`{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`), ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// listPulls applies state, sort and direction as GitHub does: state open by
// default; sort created by default; direction desc for created, else asc.
func (rp *repo) listPulls(q url.Values) []*entry {
	list := filterState(rp.pulls, q.Get("state"))
	key := q.Get("sort")
	desc := q.Get("direction") == "desc" || (q.Get("direction") == "" && (key == "" || key == "created"))
	sortEntries(list, key == "updated", desc)
	return list
}

func filterState(in []*entry, state string) []*entry {
	if state == "" {
		state = "open"
	}
	out := make([]*entry, 0, len(in))
	for _, e := range in {
		if state == "all" || e.state == state {
			out = append(out, e)
		}
	}
	return out
}

// sinceSorted keeps entries updated at or after `since` and orders them by
// `sort` (created or updated) and `direction`. Issue listings default to
// newest created first; comment listings to oldest first.
func sinceSorted(in []*entry, q url.Values, issues bool) []*entry {
	var since time.Time
	if v := q.Get("since"); v != "" {
		since, _ = time.Parse(time.RFC3339, v)
	}
	out := make([]*entry, 0, len(in))
	for _, e := range in {
		if !e.updated.Before(since) {
			out = append(out, e)
		}
	}
	key, dir := q.Get("sort"), q.Get("direction")
	desc := dir == "desc" || (dir == "" && issues)
	if !issues && key == "" {
		desc = false
	}
	sortEntries(out, key == "updated", desc)
	return out
}

func sortEntries(list []*entry, byUpdated, desc bool) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if desc {
			a, b = b, a
		}
		ta, tb := a.created, b.created
		if byUpdated {
			ta, tb = a.updated, b.updated
		}
		if !ta.Equal(tb) {
			return ta.Before(tb)
		}
		if a.number != b.number {
			return a.number < b.number
		}
		return a.id < b.id
	})
}

func reversed(in []*entry) []*entry {
	out := make([]*entry, len(in))
	for i, e := range in {
		out[len(in)-1-i] = e
	}
	return out
}

func (rp *repo) eventsOf(number int) []*entry {
	var out []*entry
	for _, e := range rp.events {
		if e.number == number {
			out = append(out, e)
		}
	}
	return out
}

// timeline merges an issue's events with its pull request's reviews as
// "reviewed" entries, oldest first.
func (rp *repo) timeline(number int) []*entry {
	out := rp.eventsOf(number)
	for _, rv := range rp.reviews[number] {
		var obj map[string]json.RawMessage
		if json.Unmarshal(rv.raw, &obj) != nil {
			continue
		}
		obj["event"] = json.RawMessage(`"reviewed"`)
		b, err := json.Marshal(obj)
		if err != nil {
			continue
		}
		out = append(out, &entry{id: rv.id, created: rv.created, raw: b})
	}
	sort.SliceStable(out, func(i, j int) bool { return older(out[i], out[j]) })
	return out
}

// page serves one page of list (page, per_page) with GitHub's Link header.
func page(r *http.Request, list []*entry, pick func(*entry) json.RawMessage) (int, []byte, string) {
	q := r.URL.Query()
	per := atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	n := max(atoi(q.Get("page")), 1)
	last := max((len(list)+per-1)/per, 1)
	var b bytes.Buffer
	b.WriteByte('[')
	for i := (n - 1) * per; i < min(n*per, len(list)); i++ {
		if i > (n-1)*per {
			b.WriteByte(',')
		}
		raw := list[i].raw
		if pick != nil {
			raw = pick(list[i])
		}
		b.Write(raw)
	}
	b.WriteByte(']')
	return http.StatusOK, b.Bytes(), links(r, n, last)
}

// links builds a Link header like GitHub's: prev, next, last, first, each
// present only where it applies.
func links(r *http.Request, n, last int) string {
	at := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
		return "<" + u.String() + `>; rel="` + rel + `"`
	}
	var parts []string
	if n > 1 {
		parts = append(parts, at(n-1, "prev"))
	}
	if n < last {
		parts = append(parts, at(n+1, "next"), at(last, "last"))
	}
	if n > 1 {
		parts = append(parts, at(1, "first"))
	}
	return strings.Join(parts, ", ")
}
