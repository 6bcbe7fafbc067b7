package jira

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// changelogPage is a page of GET /rest/api/2/issue/{id}/changelog.
type changelogPage struct {
	StartAt    int       `json:"startAt"`
	MaxResults int       `json:"maxResults"`
	Total      int       `json:"total"`
	IsLast     bool      `json:"isLast"`
	Values     []history `json:"values"`
}

// completeChangelog fetches the histories a search result left out. Jira
// embeds at most a fixed number; the changelog endpoint pages the rest,
// oldest first. It first asks for what follows the embedded ones and only
// reads from the start when that does not add up (an instance that embeds
// the newest histories instead).
func completeChangelog(ctx context.Context, a *api, ri *rawIssue) error {
	cl := ri.Changelog
	if cl == nil || cl.Total <= len(cl.Histories) {
		return nil
	}
	have := map[string]bool{}
	for _, h := range cl.Histories {
		have[h.ID] = true
	}
	start := cl.StartAt + len(cl.Histories)
	for pass := 0; pass < 2 && len(have) < cl.Total; pass++ {
		if err := fetchChangelog(ctx, a, ri, start, have); err != nil {
			return err
		}
		start = 0
	}
	return nil
}

func fetchChangelog(ctx context.Context, a *api, ri *rawIssue, start int, have map[string]bool) error {
	path := fmt.Sprintf("rest/api/2/issue/%s/changelog", ri.ID)
	for {
		var pg changelogPage
		q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"100"}}
		if err := a.call(ctx, "GET", path, q, nil, &pg); err != nil {
			return fmt.Errorf("issue %s changelog: %w", ri.Key, err)
		}
		for _, h := range pg.Values {
			if !have[h.ID] {
				have[h.ID] = true
				ri.Changelog.Histories = append(ri.Changelog.Histories, h)
			}
		}
		start = pg.StartAt + len(pg.Values)
		if pg.IsLast || len(pg.Values) == 0 || start >= pg.Total {
			return nil
		}
	}
}
