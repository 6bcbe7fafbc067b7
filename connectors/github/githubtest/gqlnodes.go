package githubtest

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
)

// timelineTypes maps REST issue event names onto the GraphQL timeline
// item types the connector asks for.
var timelineTypes = map[string]string{
	"review_requested": "ReviewRequestedEvent", "review_request_removed": "ReviewRequestRemovedEvent",
	"ready_for_review": "ReadyForReviewEvent", "convert_to_draft": "ConvertToDraftEvent",
	"merged": "MergedEvent", "head_ref_force_pushed": "HeadRefForcePushedEvent",
	"closed": "ClosedEvent", "reopened": "ReopenedEvent", "assigned": "AssignedEvent",
	"unassigned": "UnassignedEvent", "labeled": "LabeledEvent", "unlabeled": "UnlabeledEvent",
	"milestoned": "MilestonedEvent", "demilestoned": "DemilestonedEvent", "renamed": "RenamedTitleEvent",
	"review_dismissed": "ReviewDismissedEvent",
}

// restUser is a REST user object as the dataset holds it.
type restUser struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
}

// actor turns a REST user into a GraphQL Actor: bots log in without the
// "[bot]" suffix the REST API shows.
func actor(raw json.RawMessage) any {
	var u *restUser
	if json.Unmarshal(raw, &u) != nil || u == nil {
		return nil
	}
	typ := u.Type
	if typ == "" {
		typ = "User"
	}
	login := u.Login
	if typ == "Bot" {
		login = strings.TrimSuffix(login, "[bot]")
	}
	return map[string]any{"__typename": typ, "login": login, "databaseId": u.ID}
}

func (rp *repo) gqlPull(e *entry, q queryShape) map[string]any {
	var pr map[string]json.RawMessage
	json.Unmarshal(e.raw, &pr)
	str := func(k string) any {
		var v any
		json.Unmarshal(pr[k], &v)
		return v
	}
	state := strings.ToUpper(e.state)
	if str("merged_at") != nil {
		state = "MERGED"
	}
	var base struct{ Ref string }
	json.Unmarshal(pr["base"], &base)
	var milestone any
	var m *struct{ Title string }
	if json.Unmarshal(pr["milestone"], &m) == nil && m != nil {
		milestone = map[string]any{"title": m.Title}
	}
	var labels []struct{ Name string }
	json.Unmarshal(pr["labels"], &labels)
	labelNodes := []any{}
	for _, l := range labels {
		labelNodes = append(labelNodes, map[string]any{"name": l.Name})
	}
	var assignees []json.RawMessage
	json.Unmarshal(pr["assignees"], &assignees)
	assigneeNodes := []any{}
	for _, a := range assignees {
		assigneeNodes = append(assigneeNodes, actor(a))
	}
	out := map[string]any{
		"number": e.number, "title": str("title"), "state": state, "isDraft": str("draft") == true,
		"createdAt": str("created_at"), "updatedAt": str("updated_at"), "closedAt": str("closed_at"),
		"mergedAt": str("merged_at"), "url": str("html_url"), "baseRefName": base.Ref,
		"additions": str("additions"), "deletions": str("deletions"), "changedFiles": str("changed_files"),
		"commits": map[string]any{"totalCount": str("commits")}, "author": actor(pr["user"]),
		"mergedBy": actor(pr["merged_by"]), "milestone": milestone,
	}
	// Connections are served only when the query pages them.
	lists := map[string]func() []any{
		"labels": func() []any { return labelNodes }, "assignees": func() []any { return assigneeNodes },
		"reviews": func() []any { return rp.gqlReviews(e.number) }, "timelineItems": func() []any { return rp.gqlTimeline(e.number) },
	}
	for name, nodes := range lists {
		if n := q.first[name]; n > 0 {
			out[name] = page2(nodes(), n, "")
		}
	}
	return out
}

// gqlReviews are a PR's submitted reviews, oldest first; PENDING ones are
// visible to their author only, and the token is nobody's.
func (rp *repo) gqlReviews(number int) []any {
	var out []any
	for _, rv := range rp.reviews[number] {
		var v struct {
			ID          int64           `json:"id"`
			State       string          `json:"state"`
			SubmittedAt any             `json:"submitted_at"`
			User        json.RawMessage `json:"user"`
		}
		json.Unmarshal(rv.raw, &v)
		if v.State == "PENDING" {
			continue
		}
		out = append(out, map[string]any{"databaseId": v.ID, "state": v.State, "submittedAt": v.SubmittedAt,
			"author": actor(v.User)})
	}
	return out
}

// gqlTimeline is a PR's issue events of the asked types, oldest first.
func (rp *repo) gqlTimeline(number int) []any {
	var out []any
	for _, e := range rp.eventsOf(number) {
		var ev map[string]json.RawMessage
		json.Unmarshal(e.raw, &ev)
		var kind string
		json.Unmarshal(ev["event"], &kind)
		typ, ok := timelineTypes[kind]
		if !ok {
			continue
		}
		var created any
		json.Unmarshal(ev["created_at"], &created)
		n := map[string]any{"__typename": typ, "id": rp.nodeID(ev, e.id), "createdAt": created, "actor": actor(ev["actor"])}
		rp.eventFields(n, kind, ev)
		out = append(out, n)
	}
	return out
}

func (rp *repo) eventFields(n map[string]any, kind string, ev map[string]json.RawMessage) {
	switch kind {
	case "review_requested", "review_request_removed":
		if len(ev["requested_team"]) > 0 && string(ev["requested_team"]) != "null" {
			var t struct{ Name, Slug string }
			json.Unmarshal(ev["requested_team"], &t)
			n["requestedReviewer"] = map[string]any{"__typename": "Team", "name": t.Name, "slug": t.Slug,
				"organization": map[string]any{"login": rp.owner}}
		} else {
			n["requestedReviewer"] = actor(ev["requested_reviewer"])
		}
	case "assigned", "unassigned":
		n["assignee"] = actor(ev["assignee"])
	case "labeled", "unlabeled":
		var l struct{ Name string }
		json.Unmarshal(ev["label"], &l)
		n["label"] = map[string]any{"name": l.Name}
	case "milestoned", "demilestoned":
		var m struct{ Title string }
		json.Unmarshal(ev["milestone"], &m)
		n["milestoneTitle"] = m.Title
	case "renamed":
		var r struct{ From, To string }
		json.Unmarshal(ev["rename"], &r)
		n["previousTitle"], n["currentTitle"] = r.From, r.To
	case "review_dismissed":
		var d struct {
			State    string `json:"state"`
			ReviewID int64  `json:"review_id"`
		}
		json.Unmarshal(ev["dismissed_review"], &d)
		n["previousReviewState"] = strings.ToUpper(d.State)
		n["review"] = map[string]any{"databaseId": d.ReviewID}
	}
}

// nodeID is the event's REST node_id (GitHub's GraphQL id of the same
// event) or, when the dataset has none, one in GitHub's current format:
// a type prefix, "_", then base64url of a MessagePack array whose last
// element is the database id.
func (rp *repo) nodeID(ev map[string]json.RawMessage, id int64) string {
	var s string
	if json.Unmarshal(ev["node_id"], &s) == nil && s != "" {
		return s
	}
	b := []byte{0x93, 0x00, 0xcf}
	b = binary.BigEndian.AppendUint64(b, uint64(len(rp.fullName)))
	b = append(b, 0xcf)
	b = binary.BigEndian.AppendUint64(b, uint64(id))
	return "E_" + base64.RawURLEncoding.EncodeToString(b)
}
