package jiratest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// bulkRequest is the body of POST /rest/api/3/changelog/bulkfetch.
type bulkRequest struct {
	IssueIDsOrKeys []string `json:"issueIdsOrKeys"`
	FieldIDs       []string `json:"fieldIds"`
	MaxResults     *int     `json:"maxResults"`
	NextPageToken  string   `json:"nextPageToken"`
}

// bulkChangelogs serves Jira Cloud's changelog/bulkfetch: the changelogs of
// up to 1000 issues, issues by ascending id and each issue's histories
// oldest first, up to maxResults issues (default and limit 1000) a page and,
// with Options.BulkHistories, at most that many histories a page (an
// issue's changelog then continues on the next page under the same
// issueId). fieldIds (at most 10) keep only the items of those fields.
// Data Center has no such endpoint: 404 there.
func (s *Server) bulkChangelogs(d *dataset, rep *reply, r *http.Request) {
	if !d.cloud {
		rep.fail(http.StatusNotFound, "null for uri: "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		rep.fail(http.StatusMethodNotAllowed, "use POST")
		return
	}
	var req bulkRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		rep.fail(http.StatusBadRequest, "Invalid request payload. Refer to the REST API documentation and try again.")
		return
	}
	if msg := req.problem(); msg != "" {
		rep.fail(http.StatusBadRequest, msg)
		return
	}
	issues := d.lookup(req.IssueIDsOrKeys)
	at, hist, err := parseBulkToken(req.NextPageToken)
	if err != nil {
		rep.fail(http.StatusBadRequest, "Invalid nextPageToken.")
		return
	}
	limit := 1000
	if req.MaxResults != nil {
		limit = min(max(*req.MaxResults, 1), 1000)
	}
	s.renderBulk(rep, issues, req.FieldIDs, at, hist, limit)
}

func (req *bulkRequest) problem() string {
	switch {
	case len(req.IssueIDsOrKeys) == 0:
		return "issueIdsOrKeys must not be empty."
	case len(req.IssueIDsOrKeys) > 1000:
		return "You can request changelogs of at most 1000 issues."
	case len(req.FieldIDs) > 10:
		return "You can filter by at most 10 field IDs."
	}
	return ""
}

// lookup finds the issues named by id or key, ascending by id; unknown ones
// are left out, as Jira leaves out issues the caller cannot see.
func (d *dataset) lookup(idsOrKeys []string) []*issue {
	seen := map[*issue]bool{}
	var out []*issue
	for _, k := range idsOrKeys {
		is := d.byID[k]
		if is == nil {
			is = d.byKey(k)
		}
		if is != nil && !seen[is] {
			seen[is] = true
			out = append(out, is)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].id, out[j].id
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
	return out
}

func (d *dataset) byKey(key string) *issue {
	for _, is := range d.issues {
		if is.key == key {
			return is
		}
	}
	return nil
}

// renderBulk writes one page from issue at, history hist on.
func (s *Server) renderBulk(rep *reply, issues []*issue, fieldIDs []string, at, hist, limit int) {
	b := &rep.body
	b.WriteString(`{"issueChangeLogs":[`)
	budget := s.opts.BulkHistories
	n := 0
	for ; at < len(issues) && n < limit; at, hist = at+1, 0 {
		hs := filterHistories(issues[at].histories, fieldIDs)
		hist = min(hist, len(hs))
		take := len(hs) - hist
		if budget > 0 {
			take = min(take, budget)
			budget -= take
		}
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `{"issueId":%q,"changeHistories":`, issues[at].id)
		writeArray(b, hs[hist:hist+take])
		b.WriteByte('}')
		n++
		if hist+take < len(hs) {
			hist += take
			break
		}
		if s.opts.BulkHistories > 0 && budget == 0 {
			at, hist = at+1, 0
			break
		}
	}
	b.WriteString(`]`)
	if at < len(issues) {
		fmt.Fprintf(b, `,"nextPageToken":%q`, base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d|%d", at, hist))))
	}
	b.WriteByte('}')
}

func parseBulkToken(tok string) (int, int, error) {
	if tok == "" {
		return 0, 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, 0, err
	}
	a, h, ok := strings.Cut(string(raw), "|")
	if !ok {
		return 0, 0, fmt.Errorf("bad token")
	}
	at, err1 := strconv.Atoi(a)
	hist, err2 := strconv.Atoi(h)
	if err1 != nil || err2 != nil || at < 0 || hist < 0 {
		return 0, 0, fmt.Errorf("bad token")
	}
	return at, hist, nil
}

// filterHistories keeps the items of the given fields (all with none),
// dropping histories left empty.
func filterHistories(hs []json.RawMessage, fieldIDs []string) []json.RawMessage {
	if len(fieldIDs) == 0 {
		return hs
	}
	want := map[string]bool{}
	for _, f := range fieldIDs {
		want[f] = true
	}
	var out []json.RawMessage
	for _, raw := range hs {
		var h map[string]json.RawMessage
		if json.Unmarshal(raw, &h) != nil {
			continue
		}
		var items []map[string]any
		json.Unmarshal(h["items"], &items)
		var keep []map[string]any
		for _, it := range items {
			if id, _ := it["fieldId"].(string); want[id] {
				keep = append(keep, it)
			}
		}
		if len(keep) == 0 {
			continue
		}
		h["items"], _ = json.Marshal(keep)
		b, _ := json.Marshal(h)
		out = append(out, b)
	}
	return out
}
