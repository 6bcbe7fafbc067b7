package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The GraphQL endpoint (POST /graphql, and /api/graphql as on GitHub
// Enterprise Server) serves the same dataset as the REST handlers. It
// understands only the operations the connector sends, by name:
// PullRequests(owner, name, first, after), PullRequestReviews and
// PullRequestTimeline(owner, name, number, first, after). Every reply
// holds all fields the connector may select, whatever the selection.
// The query text is still read for GitHub's cost and node limits (see
// shape): first/last over 100 and over 500,000 nodes are refused as GitHub
// refuses them, and the cost is charged to a points budget apart from the
// REST budget.

type gqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

type gqlError struct {
	Type    string   `json:"type,omitempty"`
	Path    []string `json:"path,omitempty"`
	Message string   `json:"message"`
}

const maxNodes = 500_000

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request, f Fault) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	var req gqlRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	q, err := shape(req.Query, req.Variables)
	if err != nil {
		writeGraphQL(w, http.StatusOK, nil, gqlError{Type: "INVALID", Message: err.Error()})
		return
	}
	if q.nodes > maxNodes {
		writeGraphQL(w, http.StatusOK, nil, gqlError{Type: "MAX_NODE_LIMIT_EXCEEDED",
			Message: fmt.Sprintf("This query requests up to %d possible nodes which exceeds the maximum limit of 500,000.", q.nodes)})
		return
	}
	if f.MinFirst > 0 && q.first[firstOf(q.op)] <= f.MinFirst {
		f = Fault{} // a small enough page answers in time
	}
	if f.Status != 0 {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, http.StatusText(f.Status))
		return
	}
	ok, rate := s.chargePoints(w.Header(), q.cost)
	if !ok {
		writeGraphQL(w, http.StatusOK, nil, gqlError{Type: "RATE_LIMITED",
			Message: "API rate limit already exceeded for user ID 1."})
		return
	}
	if f.GraphQLError != "" {
		writeGraphQL(w, http.StatusOK, nil, gqlError{Type: f.GraphQLError, Message: "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug."})
		return
	}
	data, gerr := s.resolve(q, req.Variables)
	if gerr != nil {
		writeGraphQL(w, http.StatusOK, map[string]any{"rateLimit": rate, "repository": nil}, *gerr)
		return
	}
	data["rateLimit"] = rate
	body, _ := json.Marshal(map[string]any{"data": data})
	if f.Mangle != "" {
		body = mangle(f.Mangle, body)
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// firstOf names the connection whose page size a timeout fault looks at.
func firstOf(op string) string {
	switch op {
	case "PullRequestReviews":
		return "reviews"
	case "PullRequestTimeline":
		return "timelineItems"
	}
	return "pullRequests"
}

func writeGraphQL(w http.ResponseWriter, status int, data map[string]any, errs ...gqlError) {
	out := map[string]any{"errors": errs}
	if data != nil {
		out["data"] = data
	}
	b, _ := json.Marshal(out)
	w.WriteHeader(status)
	w.Write(b)
}

// chargePoints spends cost points of the GraphQL budget and sets the
// rate-limit headers; false when the budget cannot pay for the query.
func (s *Server) chargePoints(h http.Header, cost int) (bool, map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	if !now.Before(s.gqlReset) {
		s.gqlUsed = 0
		s.gqlReset = now.Add(s.opts.Window)
	}
	ok := s.gqlUsed+cost <= s.opts.PointLimit
	if ok {
		s.gqlUsed += cost
		s.points += cost
		s.queries++
	}
	remaining := max(0, s.opts.PointLimit-s.gqlUsed)
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.PointLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.gqlReset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(min(s.gqlUsed, s.opts.PointLimit)))
	h.Set("X-RateLimit-Resource", "graphql")
	return ok, map[string]any{"cost": cost, "limit": s.opts.PointLimit, "remaining": remaining,
		"resetAt": s.gqlReset.UTC().Format(time.RFC3339)}
}

// Queries returns how many GraphQL queries were answered (and charged).
func (s *Server) Queries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

// Points returns how many GraphQL points were charged.
func (s *Server) Points() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.points
}

// SetPointBudget sets how much of the GraphQL window is spent and when it
// resets.
func (s *Server) SetPointBudget(used int, resetIn time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gqlUsed = used
	s.gqlReset = s.opts.Now().Add(resetIn)
}

func (s *Server) resolve(q queryShape, vars map[string]any) (map[string]any, *gqlError) {
	if q.op == "RateLimit" {
		return map[string]any{}, nil
	}
	owner, _ := vars["owner"].(string)
	name, _ := vars["name"].(string)
	s.mu.Lock()
	rp := s.repos[owner+"/"+name]
	s.mu.Unlock()
	if rp == nil {
		return nil, &gqlError{Type: "NOT_FOUND", Path: []string{"repository"},
			Message: fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", owner, name)}
	}
	after, _ := vars["after"].(string)
	switch q.op {
	case "PullRequests":
		list := rp.listPulls(map[string][]string{"state": {"all"}, "sort": {"updated"}, "direction": {"desc"}})
		nodes, info := window(len(list), q.first["pullRequests"], after)
		var out []any
		for _, i := range nodes {
			out = append(out, rp.gqlPull(list[i], q))
		}
		return repoData(map[string]any{"pullRequests": conn(out, info)}), nil
	case "PullRequestReviews", "PullRequestTimeline":
		n, _ := vars["number"].(float64)
		e := rp.pullByNum[int(n)]
		if e == nil {
			return nil, &gqlError{Type: "NOT_FOUND", Path: []string{"repository", "pullRequest"},
				Message: fmt.Sprintf("Could not resolve to a PullRequest with the number of %d.", int(n))}
		}
		pr := map[string]any{}
		if q.op == "PullRequestReviews" {
			pr["reviews"] = page2(rp.gqlReviews(e.number), q.first["reviews"], after)
		} else {
			pr["timelineItems"] = page2(rp.gqlTimeline(e.number), q.first["timelineItems"], after)
		}
		return repoData(map[string]any{"pullRequest": pr}), nil
	}
	return nil, &gqlError{Message: fmt.Sprintf("githubtest serves only the connector's operations, not %q", q.op)}
}

func repoData(repo map[string]any) map[string]any { return map[string]any{"repository": repo} }

// window picks the indexes of one page after an opaque cursor ("c<index>").
func window(total, first int, after string) ([]int, map[string]any) {
	start := 0
	if strings.HasPrefix(after, "c") {
		n, _ := strconv.Atoi(after[1:])
		start = n + 1
	}
	var idx []int
	for i := start; i < min(start+first, total); i++ {
		idx = append(idx, i)
	}
	end := ""
	if len(idx) > 0 {
		end = "c" + strconv.Itoa(idx[len(idx)-1])
	}
	return idx, map[string]any{"hasNextPage": start+first < total, "endCursor": nullable(end)}
}

func page2(all []any, first int, after string) map[string]any {
	idx, info := window(len(all), first, after)
	nodes := make([]any, 0, len(idx))
	for _, i := range idx {
		nodes = append(nodes, all[i])
	}
	return conn(nodes, info)
}

func conn(nodes []any, info map[string]any) map[string]any {
	if nodes == nil {
		nodes = []any{}
	}
	return map[string]any{"pageInfo": info, "nodes": nodes}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
