package jira

import (
	"context"
	"strings"

	"github.com/systemic-dev/systemic/internal/store"
)

// fieldIDs are the custom fields systemic reads, by id. StoryPoints may hold
// more than one (classic "Story Points" and next-gen "Story point
// estimate"): the first with a value wins.
type fieldIDs struct {
	StoryPoints []string
	Sprint      string
	EpicLink    string
	Flagged     string
}

// field is an element of GET /rest/api/2/field.
type field struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Custom bool   `json:"custom"`
	Schema struct {
		Type   string `json:"type"`
		Custom string `json:"custom"`
	} `json:"schema"`
}

func isAuto(v string) bool { return v == "" || strings.EqualFold(v, "auto") }

// needsDiscovery says whether any mapping is left to the field list.
func (s *Source) needsDiscovery() bool {
	f := s.cfg.Fields
	return isAuto(f.StoryPoints) || isAuto(f.Sprint) || isAuto(f.EpicLink) || isAuto(f.Flagged)
}

// discoverFields maps the configured fields, reading the field list for the
// ones set to auto.
func (s *Source) discoverFields(ctx context.Context, a *api) (fieldIDs, error) {
	var list fieldList
	if s.needsDiscovery() {
		if err := a.call(ctx, "GET", "rest/api/2/field", nil, nil, &list); err != nil {
			return fieldIDs{}, err
		}
	}
	return s.discoverFromList(list), nil
}

// discoverFromList maps the configured fields, the ones set to auto by
// their names and schema types in list.
func (s *Source) discoverFromList(list fieldList) fieldIDs {
	f := s.cfg.Fields
	var ids fieldIDs
	if isAuto(f.StoryPoints) {
		ids.StoryPoints = findFields(list, func(fd field) bool {
			n := strings.ToLower(fd.Name)
			return n == "story points" || n == "story point estimate" ||
				strings.HasSuffix(fd.Schema.Custom, ":jsw-story-points")
		})
	} else {
		ids.StoryPoints = []string{f.StoryPoints}
	}
	ids.Sprint = pick(f.Sprint, list, func(fd field) bool {
		return fd.Schema.Custom == "com.pyxis.greenhopper.jira:gh-sprint" || strings.EqualFold(fd.Name, "sprint")
	})
	ids.EpicLink = pick(f.EpicLink, list, func(fd field) bool {
		return fd.Schema.Custom == "com.pyxis.greenhopper.jira:gh-epic-link" || strings.EqualFold(fd.Name, "epic link")
	})
	ids.Flagged = pick(f.Flagged, list, func(fd field) bool { return strings.EqualFold(fd.Name, "flagged") })
	return ids
}

// findFields lists the custom fields matching ok, schema-typed ones first.
func findFields(list []field, ok func(field) bool) []string {
	var out []string
	for _, fd := range list {
		if fd.Custom && ok(fd) && !contains(out, fd.ID) {
			out = append(out, fd.ID)
		}
	}
	return out
}

func pick(configured string, list []field, ok func(field) bool) string {
	if !isAuto(configured) {
		return configured
	}
	if ids := findFields(list, ok); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// status is an element of GET /rest/api/2/status.
type status struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

// statuses reads the workflow statuses: rows for the store and the category
// of each status id (new, indeterminate or done).
func (s *Source) statuses(ctx context.Context, a *api) ([]store.Status, map[string]string, error) {
	var list statusList
	if err := a.call(ctx, "GET", "rest/api/2/status", nil, nil, &list); err != nil {
		return nil, nil, err
	}
	rows := make([]store.Status, 0, len(list))
	cats := make(map[string]string, len(list))
	for _, st := range list {
		cat := category(st.StatusCategory.Key)
		cats[st.ID] = cat
		rows = append(rows, store.Status{Source: s.cfg.Name, StatusID: st.ID, Name: clean(st.Name), Category: cat})
	}
	return rows, cats, nil
}

// category maps Jira's status category keys onto the store's; "undefined"
// (no category) counts as new.
func category(key string) string {
	switch key {
	case "new", "indeterminate", "done":
		return key
	}
	return "new"
}

// clean drops NUL characters, which Jira lets into text fields and DuckDB
// text refuses.
func clean(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "")
}
