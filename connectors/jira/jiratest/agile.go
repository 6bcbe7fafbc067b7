package jiratest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// changelog serves /rest/api/{2,3}/issue/{idOrKey}/changelog, oldest first,
// in the Cloud page shape.
func (s *Server) changelog(d *dataset, rep *reply, r *http.Request) {
	rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/rest/api/2/issue/"), "/rest/api/3/issue/")
	idOrKey, tail, _ := strings.Cut(rest, "/")
	if tail != "changelog" {
		rep.fail(http.StatusNotFound, "no route for "+r.URL.Path)
		return
	}
	is := d.byID[idOrKey]
	if is == nil {
		for _, c := range d.issues {
			if c.key == idOrKey {
				is = c
				break
			}
		}
	}
	if is == nil {
		rep.fail(http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
		return
	}
	start, err1 := intParam(r, "startAt", 0)
	limit, err2 := intParam(r, "maxResults", 100)
	if err1 != nil || err2 != nil {
		rep.fail(http.StatusBadRequest, fmt.Sprint(err1, err2))
		return
	}
	limit = min(max(limit, 1), 100)
	h := is.histories
	page := h[min(start, len(h)):min(start+limit, len(h))]
	fmt.Fprintf(&rep.body, `{"self":"%s%s","maxResults":%d,"startAt":%d,"total":%d,"isLast":%t,"values":`,
		s.URL, r.URL.Path, limit, start, len(h), start+len(page) >= len(h))
	writeArray(&rep.body, page)
	rep.body.WriteByte('}')
}

// boards serves /rest/agile/1.0/board, filtered by projectKeyOrId.
func (s *Server) boards(d *dataset, rep *reply, r *http.Request) {
	project := strings.ToUpper(r.URL.Query().Get("projectKeyOrId"))
	var vals []json.RawMessage
	for _, b := range d.boards {
		if project == "" || strings.EqualFold(b.Location.ProjectKey, project) {
			vals = append(vals, b.raw)
		}
	}
	s.agilePage(rep, r, vals, true)
}

// sprints serves /rest/agile/1.0/board/{id}/sprint (all states unless
// ?state= filters them).
func (s *Server) sprints(d *dataset, rep *reply, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/rest/agile/1.0/board/")
	idStr, tail, _ := strings.Cut(rest, "/")
	id, err := strconv.Atoi(idStr)
	if err != nil || tail != "sprint" {
		rep.fail(http.StatusNotFound, "no route for "+r.URL.Path)
		return
	}
	found := false
	for _, b := range d.boards {
		found = found || b.ID == id
	}
	if !found {
		rep.fail(http.StatusNotFound, fmt.Sprintf("Board does not exist or you do not have permission to see it."))
		return
	}
	states := map[string]bool{}
	for _, st := range strings.Split(r.URL.Query().Get("state"), ",") {
		if st != "" {
			states[strings.ToLower(st)] = true
		}
	}
	var vals []json.RawMessage
	for i, sp := range d.sprints {
		if d.sprintOf[i] != id {
			continue
		}
		if len(states) > 0 {
			var st struct{ State string }
			json.Unmarshal(sp, &st)
			if !states[strings.ToLower(st.State)] {
				continue
			}
		}
		vals = append(vals, sp)
	}
	s.agilePage(rep, r, vals, false)
}

// agilePage writes one page of an agile listing (at most 50 a page, as Jira).
func (s *Server) agilePage(rep *reply, r *http.Request, vals []json.RawMessage, withTotal bool) {
	start, err1 := intParam(r, "startAt", 0)
	limit, err2 := intParam(r, "maxResults", 50)
	if err1 != nil || err2 != nil {
		rep.fail(http.StatusBadRequest, fmt.Sprint(err1, err2))
		return
	}
	limit = min(max(limit, 1), 50, s.opts.MaxResults)
	page := vals[min(start, len(vals)):min(start+limit, len(vals))]
	fmt.Fprintf(&rep.body, `{"maxResults":%d,"startAt":%d,`, limit, start)
	if withTotal {
		fmt.Fprintf(&rep.body, `"total":%d,`, len(vals))
	}
	fmt.Fprintf(&rep.body, `"isLast":%t,"values":`, start+len(page) >= len(vals))
	writeArray(&rep.body, page)
	rep.body.WriteByte('}')
}

func writeArray(b *bytes.Buffer, vals []json.RawMessage) {
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(v)
	}
	b.WriteByte(']')
}
