package jira

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const pageSize = 100

// reOrderBy finds a trailing ORDER BY in configured JQL: systemic orders by
// updated itself, which the cursor relies on.
var reOrderBy = regexp.MustCompile(`(?is)\s+order\s+by\s+.*$|^\s*order\s+by\s+.*$`)

// reOr finds an OR (JQL also spells it ||) in configured JQL, which must be
// bracketed before systemic ANDs its date clause on: AND binds tighter.
var reOr = regexp.MustCompile(`(?i)\sor\s|\|\|`)

// unknownZoneMargin widens a search whose JQL time zone is unknown: dates
// written in UTC and read in a zone up to 12 hours behind it would
// otherwise start up to 12 hours late.
const unknownZoneMargin = 12 * time.Hour

// jql builds the search: the configured JQL (or project in (...)), from
// `since` when set, ordered by updated ascending so the cursor only grows.
// loc is the zone Jira reads JQL dates in (the user's); nil when unknown.
func (s *Source) jql(since time.Time, loc *time.Location) string {
	base := strings.TrimSpace(reOrderBy.ReplaceAllString(s.cfg.JQL, ""))
	if base == "" {
		quoted := make([]string, len(s.cfg.Projects))
		for i, p := range s.cfg.Projects {
			quoted[i] = strconv.Quote(p)
		}
		base = "project in (" + strings.Join(quoted, ", ") + ")"
	}
	var clauses []string
	if base != "" {
		if reOr.MatchString(base) {
			base = "(" + base + ")"
		}
		clauses = append(clauses, base)
	}
	if !since.IsZero() {
		if loc == nil {
			since, loc = since.Add(-unknownZoneMargin), time.UTC
		}
		clauses = append(clauses, fmt.Sprintf(`updated >= "%s"`, since.In(loc).Format("2006/01/02 15:04")))
	}
	return strings.Join(clauses, " AND ") + " ORDER BY updated ASC"
}

// searchPage is a page of either search: Data Center fills startAt/total,
// Cloud's enhanced search nextPageToken/isLast.
type searchPage struct {
	StartAt       int        `json:"startAt"`
	MaxResults    int        `json:"maxResults"`
	Total         *int       `json:"total"`
	Issues        []rawIssue `json:"issues"`
	NextPageToken string     `json:"nextPageToken"`
	IsLast        *bool      `json:"isLast"`
}

// total is the Data Center total (0 on Cloud).
func (sp *searchPage) total() int {
	if sp.Total == nil {
		return 0
	}
	return *sp.Total
}

// pager walks the pages of one search. Paging by offset alone loses
// issues: one updated during the sync moves to the end of the
// updated-ordered results, and the issue behind the page boundary slides
// back onto a page already read, below the cursor for good. So when the
// zone JQL dates are read in is known, each page restarts the search at
// the minute of its last issue (keyset paging), skipping on Data Center
// the issues of that minute already read; an update moves an issue behind
// the restart point and shifts nothing before it. Within one minute (a
// bulk edit) it pages by offset.
type pager struct {
	a      *api
	cloud  bool
	query  func(since time.Time) string // the JQL from since
	keyset bool                         // restart at each page's last minute
	bound  time.Time                    // since of the current query
	jql    string                       // the current query
	fields string
	dec    *fieldsDecoder
	seen   map[string]bool // Cloud: ids the restarted search returns again
	reread int             // issues a restarted search returned again, dropped
	start  int
	token  string
	done   bool
}

func (s *Source) newPager(a *api, cloud bool, since time.Time, loc *time.Location, f fieldIDs, dec *fieldsDecoder) *pager {
	fields := append([]string(nil), systemFields...)
	fields = append(fields, f.StoryPoints...)
	for _, id := range []string{f.Sprint, f.EpicLink, f.Flagged} {
		if id != "" && !contains(fields, id) {
			fields = append(fields, id)
		}
	}
	query := func(t time.Time) string { return s.jql(t, loc) }
	return &pager{a: a, cloud: cloud, query: query, keyset: loc != nil, bound: since, jql: query(since), fields: strings.Join(fields, ","), dec: dec}
}

// next fetches the next page; it returns nil at the end.
func (p *pager) next(ctx context.Context) (*searchPage, error) {
	if p.done {
		return nil, nil
	}
	q := url.Values{"jql": {p.jql}, "fields": {p.fields}, "expand": {"changelog"}, "maxResults": {strconv.Itoa(pageSize)}}
	path := "rest/api/2/search"
	if p.cloud {
		path = "rest/api/2/search/jql"
		if p.token != "" {
			q.Set("nextPageToken", p.token)
		}
	} else {
		q.Set("startAt", strconv.Itoa(p.start))
	}
	var pg searchPage
	check := func() string { return pg.check(p.dec, p.cloud) }
	if err := p.a.callChecked(ctx, "GET", path, q, nil, &pg, check); err != nil {
		return nil, fmt.Errorf("%w (JQL: %s)", err, p.jql)
	}
	if p.cloud {
		p.token = pg.NextPageToken
		p.done = (pg.IsLast != nil && *pg.IsLast) || pg.NextPageToken == "" || len(pg.Issues) == 0
	} else {
		p.start = pg.StartAt + len(pg.Issues)
		p.done = len(pg.Issues) == 0 || p.start >= pg.total()
	}
	all := pg.Issues
	if p.cloud && len(p.seen) > 0 {
		pg.Issues = p.unseen(all)
	}
	if !p.done && p.keyset && len(all) > 0 {
		p.restart(all)
	}
	return &pg, nil
}

// unseen drops the issues a restarted Cloud search returns again (those of
// the restart minute already read), and forgets them.
func (p *pager) unseen(issues []rawIssue) []rawIssue {
	out := issues[:0:0]
	for _, ri := range issues {
		if p.seen[ri.ID] {
			p.reread++
			continue
		}
		out = append(out, ri)
	}
	p.seen = nil
	return out
}

// restart begins the search again at the minute of the page's last issue
// when that minute is past the current query's start.
func (p *pager) restart(issues []rawIssue) {
	times := make([]time.Time, len(issues))
	for i := range issues {
		times[i] = issues[i].updated // read by the page check
	}
	bound := times[len(times)-1].Truncate(time.Minute) // whole-minute zone offsets: a minute in any zone
	if !bound.After(p.bound) {
		return
	}
	read := 0 // issues of this page the new query returns first
	for _, t := range times {
		if !t.Before(bound) {
			read++
		}
	}
	p.bound, p.jql, p.token, p.start = bound, p.query(bound), "", read
	if p.cloud { // no offset to skip them by: skip them by id
		p.seen = map[string]bool{}
		for i, t := range times {
			if !t.Before(bound) {
				p.seen[issues[i].ID] = true
			}
		}
	}
}

// approximateCount asks Jira Cloud how many issues a JQL matches, for the
// progress total (the enhanced search reports none).
func approximateCount(ctx context.Context, a *api, jql string) (int, error) {
	var out struct {
		Count int `json:"count"`
	}
	body := map[string]string{"jql": jql}
	if err := a.call(ctx, "POST", "rest/api/2/search/approximate-count", nil, body, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}
