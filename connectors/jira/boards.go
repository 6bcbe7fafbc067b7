package jira

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/store"
)

// boardScope is the sync_state scope caching the boards discovered from the
// projects (cursor: the ids, etag: when they were listed), so incremental
// syncs skip one listing per project; they are listed again after a day or
// with a full sync.
const boardScope = "boards"

const boardsMaxAge = 24 * time.Hour

// boards returns the configured boards, else those of the projects: from the
// cache when fresh, otherwise listed (and the cache row returned to store).
func (s *Source) boards(ctx context.Context, st *store.Store, a *api, projects []string, full bool, now time.Time) ([]int, bool, error) {
	if len(s.cfg.Boards) > 0 {
		return s.cfg.Boards, false, nil
	}
	key := strings.Join(projects, ",")
	if !full {
		cur, etag, err := st.Cursor(ctx, s.cfg.Name, boardScope)
		if err != nil {
			return nil, false, err
		}
		listed, terr := time.Parse(time.RFC3339, etag)
		if ids, forKey, ok := strings.Cut(cur, "|"); ok && forKey == key && terr == nil && now.Sub(listed) < boardsMaxAge {
			return parseInts(ids), false, nil
		}
	}
	var boards []int
	for _, p := range projects {
		ids, err := s.projectBoards(ctx, a, p)
		if err != nil {
			return nil, false, err
		}
		for _, id := range ids {
			if !containsInt(boards, id) {
				boards = append(boards, id)
			}
		}
	}
	return boards, true, nil
}

func boardCursor(boards []int, projects []string) string {
	ids := make([]string, len(boards))
	for i, b := range boards {
		ids[i] = strconv.Itoa(b)
	}
	return strings.Join(ids, ",") + "|" + strings.Join(projects, ",")
}

func parseInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func (s *Source) projectBoards(ctx context.Context, a *api, project string) ([]int, error) {
	var ids []int
	err := agileList(ctx, a, "rest/agile/1.0/board", url.Values{"projectKeyOrId": {project}}, func(v json.RawMessage) error {
		var b struct {
			ID int `json:"id"`
		}
		if err := json.Unmarshal(v, &b); err != nil {
			return fmt.Errorf("jira %s: board of project %s: %w", s.cfg.Name, project, err)
		}
		ids = append(ids, b.ID)
		return nil
	})
	return ids, err
}
