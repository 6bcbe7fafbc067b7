package jiratest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// query is the subset of JQL the fake understands: AND-joined clauses on
// project and updated, then ORDER BY updated or created.
type query struct {
	projects map[string]bool // nil: any
	since    time.Time       // zero: any
	desc     bool
}

var (
	reOrder     = regexp.MustCompile(`(?i)\s*order\s+by\s+(\w+)(?:\s+(asc|desc))?\s*$`)
	reProjectIn = regexp.MustCompile(`(?i)^project\s+in\s*\(([^)]*)\)$`)
	reProjectEq = regexp.MustCompile(`(?i)^project\s*=\s*("?[^"\s]+"?)$`)
	reUpdated   = regexp.MustCompile(`(?i)^updated\s*>=?\s*["']([^"']+)["']$`)
	reAnd       = regexp.MustCompile(`(?i)\s+and\s+`)
)

func parseJQL(jql string) (query, error) { return parseJQLIn(jql, time.UTC) }

// parseJQLIn parses jql with its dates read in loc, the user's time zone.
func parseJQLIn(jql string, loc *time.Location) (query, error) {
	var q query
	jql = strings.TrimSpace(jql)
	if m := reOrder.FindStringSubmatch(jql); m != nil {
		field := strings.ToLower(m[1])
		if field != "updated" && field != "created" && field != "key" {
			return q, fmt.Errorf("Not able to sort using field '%s'.", m[1])
		}
		q.desc = strings.EqualFold(m[2], "desc")
		jql = strings.TrimSpace(jql[:len(jql)-len(m[0])])
	}
	if jql == "" {
		return q, nil
	}
	for _, c := range reAnd.Split(jql, -1) {
		c = strings.TrimSpace(c)
		for strings.HasPrefix(c, "(") && strings.HasSuffix(c, ")") && !reProjectIn.MatchString(c) {
			c = strings.TrimSpace(c[1 : len(c)-1])
		}
		if err := q.clause(c, loc); err != nil {
			return q, err
		}
	}
	return q, nil
}

func (q *query) clause(c string, loc *time.Location) error {
	switch {
	case reProjectIn.MatchString(c):
		q.projects = map[string]bool{}
		for _, p := range strings.Split(reProjectIn.FindStringSubmatch(c)[1], ",") {
			q.projects[strings.ToUpper(strings.Trim(strings.TrimSpace(p), `"'`))] = true
		}
	case reProjectEq.MatchString(c):
		p := strings.Trim(reProjectEq.FindStringSubmatch(c)[1], `"`)
		q.projects = map[string]bool{strings.ToUpper(p): true}
	case reUpdated.MatchString(c):
		v := reUpdated.FindStringSubmatch(c)[1]
		t, err := time.ParseInLocation("2006/01/02 15:04", v, loc)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02 15:04", v, loc); err != nil {
				return fmt.Errorf("Date value '%s' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", v)
			}
		}
		q.since = t
	default:
		field, _, _ := strings.Cut(c, " ")
		return fmt.Errorf("Error in the JQL Query: Field '%s' does not exist or you do not have permission to view it.", field)
	}
	return nil
}

// match lists the issues a query selects, in its order.
func (d *dataset) match(q query) []*issue {
	var out []*issue
	for _, is := range d.issues {
		if q.projects != nil && !q.projects[strings.ToUpper(is.project)] {
			continue
		}
		if !q.since.IsZero() && is.updated.Before(q.since) {
			continue
		}
		out = append(out, is)
	}
	if q.desc {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

func (s *Server) searchDC(d *dataset, rep *reply, r *http.Request) {
	if d.cloud {
		rep.fail(http.StatusGone, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
		return
	}
	q, err := parseJQLIn(r.URL.Query().Get("jql"), s.loc)
	if err != nil {
		rep.fail(http.StatusBadRequest, err.Error())
		return
	}
	start, err1 := intParam(r, "startAt", 0)
	limit, err2 := intParam(r, "maxResults", 50)
	if err1 != nil || err2 != nil {
		rep.fail(http.StatusBadRequest, fmt.Sprint(err1, err2))
		return
	}
	limit = min(limit, s.opts.MaxResults)
	all := d.match(q)
	page := all[min(start, len(all)):min(start+limit, len(all))]
	fmt.Fprintf(&rep.body, `{"expand":"schema,names","startAt":%d,"maxResults":%d,"total":%d,"issues":`, start, limit, len(all))
	s.renderIssues(&rep.body, page, r)
	rep.body.WriteByte('}')
}

func (s *Server) searchCloud(d *dataset, rep *reply, r *http.Request) {
	jql := r.URL.Query().Get("jql")
	q, err := parseJQLIn(jql, s.loc)
	if err != nil {
		rep.fail(http.StatusBadRequest, err.Error())
		return
	}
	limit, err := intParam(r, "maxResults", 50)
	if err != nil {
		rep.fail(http.StatusBadRequest, err.Error())
		return
	}
	limit = min(max(limit, 1), s.opts.MaxResults)
	start := 0
	if tok := r.URL.Query().Get("nextPageToken"); tok != "" {
		if start, err = decodeToken(tok, jql); err != nil {
			rep.fail(http.StatusBadRequest, "The provided next page token is invalid or expired.")
			return
		}
	}
	all := d.match(q)
	page := all[min(start, len(all)):min(start+limit, len(all))]
	rep.body.WriteString(`{"issues":`)
	s.renderIssues(&rep.body, page, r)
	if end := start + len(page); end < len(all) {
		fmt.Fprintf(&rep.body, `,"nextPageToken":%q,"isLast":false}`, encodeToken(end, jql))
		return
	}
	rep.body.WriteString(`,"isLast":true}`)
}

func encodeToken(offset int, jql string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + "|" + jql))
}

func decodeToken(tok, jql string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	off, rest, ok := strings.Cut(string(b), "|")
	if !ok || rest != jql {
		return 0, fmt.Errorf("token for another query")
	}
	return strconv.Atoi(off)
}

func (s *Server) approximateCount(d *dataset, rep *reply, r *http.Request) {
	if r.Method != http.MethodPost {
		rep.fail(http.StatusMethodNotAllowed, "use POST")
		return
	}
	var body struct{ JQL string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		rep.fail(http.StatusBadRequest, "Invalid request payload.")
		return
	}
	q, err := parseJQLIn(body.JQL, s.loc)
	if err != nil {
		rep.fail(http.StatusBadRequest, err.Error())
		return
	}
	fmt.Fprintf(&rep.body, `{"count":%d}`, len(d.match(q)))
}

// renderIssues writes a JSON array of issues with only the requested fields
// (all when the fields parameter is absent or *all) and, with
// expand=changelog, the capped changelog.
func (s *Server) renderIssues(b *bytes.Buffer, page []*issue, r *http.Request) {
	var want []string
	if f := r.URL.Query().Get("fields"); f != "" && f != "*all" && f != "*navigable" {
		want = strings.Split(f, ",")
	}
	changelog := strings.Contains(r.URL.Query().Get("expand"), "changelog")
	b.WriteByte('[')
	for i, is := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for _, k := range []string{"expand", "id", "self", "key"} {
			if v, ok := is.top[k]; ok {
				fmt.Fprintf(b, "%q:", k)
				b.Write(v)
				b.WriteByte(',')
			}
		}
		b.WriteString(`"fields":{`)
		writeFields(b, is, want)
		b.WriteByte('}')
		if changelog {
			b.WriteString(`,"changelog":`)
			b.Write(is.capped)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
}

func writeFields(b *bytes.Buffer, is *issue, want []string) {
	first := true
	put := func(k string, v json.RawMessage) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(b, "%q:", k)
		b.Write(v)
	}
	if want == nil {
		for k, v := range is.fields {
			put(k, v)
		}
		return
	}
	for _, k := range want {
		k = strings.TrimSpace(k)
		if v, ok := is.fields[k]; ok {
			put(k, v)
		}
	}
}
