package jira

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// Jira embeds a capped changelog in search results: Data Center the oldest
// histories (startAt 0), Cloud's enhanced search at most 40, newest first.
// A changelog is truncated when it holds fewer histories than its total.
// Cloud completes truncated changelogs with changelog/bulkfetch, up to
// bulkMaxIssues issues a call (pages followed); Data Center (and Cloud when
// bulkfetch is missing) reads only the histories the embedded ones lack
// from the issue's changelog endpoint. No history is fetched twice.

// bulkMaxIssues is how many issues one bulkfetch call may name (Jira's limit).
const bulkMaxIssues = 1000

// changelogPage is a page of GET /rest/api/2/issue/{id}/changelog.
type changelogPage struct {
	StartAt    int       `json:"startAt"`
	MaxResults int       `json:"maxResults"`
	Total      int       `json:"total"`
	IsLast     bool      `json:"isLast"`
	Values     []history `json:"values"`
}

// bulkPage is a page of POST /rest/api/3/changelog/bulkfetch: the
// histories of the requested issues, oldest first; one issue's histories
// may continue on the next page.
type bulkPage struct {
	IssueChangeLogs []struct {
		IssueID         string    `json:"issueId"`
		ChangeHistories []history `json:"changeHistories"`
	} `json:"issueChangeLogs"`
	NextPageToken string `json:"nextPageToken"`
}

// truncated says whether ri's embedded changelog lacks histories.
func truncated(ri *rawIssue) bool {
	return ri.Changelog != nil && ri.Changelog.Total > len(ri.Changelog.Histories)
}

// countTruncated counts the truncated changelogs of a search page.
func countTruncated(sp *searchPage) int {
	n := 0
	for i := range sp.Issues {
		if truncated(&sp.Issues[i]) {
			n++
		}
	}
	return n
}

// completeChangelogs completes the truncated changelogs of the given pages:
// by bulkfetch on Cloud (falling back to the per-issue endpoint when the
// instance lacks it), by the per-issue endpoint on Data Center.
func (r *run) completeChangelogs(ctx context.Context, pages []*searchPage) error {
	var todo []*rawIssue
	for _, sp := range pages {
		for i := range sp.Issues {
			if truncated(&sp.Issues[i]) {
				todo = append(todo, &sp.Issues[i])
			}
		}
	}
	for len(todo) > 0 && r.cloud && !r.noBulk {
		n := min(len(todo), bulkMaxIssues)
		err := r.bulkChangelogs(ctx, todo[:n])
		var nf *notFoundError
		if errors.As(err, &nf) {
			r.noBulk = true
			r.log.Info("jira changelog/bulkfetch unavailable; completing changelogs issue by issue", "err", err)
			break
		}
		if err != nil {
			return err
		}
		todo = todo[n:]
	}
	for _, ri := range todo {
		if err := r.issueChangelog(ctx, ri); err != nil {
			return err
		}
	}
	return nil
}

// bulkChangelogs reads the whole changelogs of issues (at most
// bulkMaxIssues) through changelog/bulkfetch and puts them in place of the
// embedded ones.
func (r *run) bulkChangelogs(ctx context.Context, issues []*rawIssue) error {
	byID := make(map[string][]history, len(issues))
	ids := make([]string, len(issues))
	for i, ri := range issues {
		ids[i] = ri.ID
		byID[ri.ID] = nil
	}
	token := ""
	for page := 1; ; page++ {
		body := map[string]any{"issueIdsOrKeys": ids, "maxResults": bulkMaxIssues}
		if token != "" {
			body["nextPageToken"] = token
		}
		var pg bulkPage
		if err := r.a.call(ctx, "POST", "rest/api/3/changelog/bulkfetch", nil, body, &pg); err != nil {
			return fmt.Errorf("changelog bulkfetch of %d issues, page %d: %w", len(ids), page, err)
		}
		for _, l := range pg.IssueChangeLogs {
			if _, asked := byID[l.IssueID]; asked {
				byID[l.IssueID] = append(byID[l.IssueID], l.ChangeHistories...)
			}
		}
		if pg.NextPageToken == "" {
			break
		}
		if pg.NextPageToken == token {
			return fmt.Errorf("jira %s: changelog bulkfetch returned the same nextPageToken twice; stopping rather than looping", r.s.cfg.Name)
		}
		token = pg.NextPageToken
	}
	for _, ri := range issues {
		ri.Changelog.Histories = append(byID[ri.ID], ri.Changelog.Histories...) // duplicates dropped when sorted
		r.checkComplete(ri)
	}
	return nil
}

// checkComplete warns when a completed changelog still falls short of its
// total (histories deleted meanwhile, or a server that withheld some).
func (r *run) checkComplete(ri *rawIssue) {
	seen := make(map[string]bool, len(ri.Changelog.Histories))
	for _, h := range ri.Changelog.Histories {
		seen[h.ID] = true
	}
	if len(seen) < ri.Changelog.Total {
		r.log.Warn("jira changelog shorter than its total after completion", "issue", ri.Key, "have", len(seen), "total", ri.Changelog.Total)
	}
}

// issueChangelog reads from the issue's changelog endpoint (oldest first)
// exactly the histories its embedded changelog lacks: those after the
// embedded ones when they are the oldest (Data Center), those before them
// when they are the newest (Cloud).
func (r *run) issueChangelog(ctx context.Context, ri *rawIssue) error {
	cl := ri.Changelog
	n := len(cl.Histories)
	start, count := cl.StartAt+n, cl.Total-cl.StartAt-n
	if newestFirst(cl.Histories, r.cloud) {
		start, count = 0, cl.Total-n
	}
	path := fmt.Sprintf("rest/api/2/issue/%s/changelog", ri.ID)
	for got := 0; got < count; {
		var pg changelogPage
		q := url.Values{"startAt": {strconv.Itoa(start + got)}, "maxResults": {strconv.Itoa(min(100, count-got))}}
		if err := r.a.call(ctx, "GET", path, q, nil, &pg); err != nil {
			return fmt.Errorf("issue %s changelog: %w", ri.Key, err)
		}
		cl.Histories = append(cl.Histories, pg.Values...)
		got += len(pg.Values)
		if pg.IsLast || len(pg.Values) == 0 {
			break
		}
	}
	r.checkComplete(ri)
	return nil
}

// newestFirst tells the order of embedded histories from their times, and
// when they cannot tell (one history, equal times) from the deployment.
func newestFirst(hs []history, cloud bool) bool {
	if len(hs) >= 2 {
		first, last := hs[0].at, hs[len(hs)-1].at
		if !first.Equal(last) {
			return first.After(last)
		}
	}
	return cloud
}
