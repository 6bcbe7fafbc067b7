package github

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// malformedError is a 2xx reply whose body cannot be the page asked for:
// empty, an HTML page, cut off, not JSON or not the expected shape. It is
// transient (a proxy or a GitHub hiccup), retried like a 5xx, and never
// read as an empty page.
type malformedError struct{ what string }

func (e *malformedError) Error() string { return e.what }

func malformed(format string, args ...any) error {
	return &malformedError{what: fmt.Sprintf(format, args...)}
}

// checkBody rejects a 2xx body that is not JSON of the expected kind
// ('[' for listings, '{' for objects).
func checkBody(status int, body []byte, open byte) error {
	b := bytes.TrimSpace(body)
	switch {
	case len(b) == 0:
		return malformed("GitHub returned an empty body with status %d", status)
	case b[0] == '<':
		return malformed("GitHub returned an HTML page with status %d; a proxy in between?", status)
	case !json.Valid(b):
		return malformed("GitHub returned %d bytes with status %d that are not valid JSON (cut off?)", len(b), status)
	case b[0] != open:
		return malformed("GitHub returned JSON starting with %.20q with status %d where %q was expected", b, status, open)
	}
	return nil
}

// decodePage checks body and decodes it into v, then checks every element
// of the page for the fields the connector relies on.
func decodePage(status int, body []byte, v any) error {
	open := byte('{')
	if isList(v) {
		open = '['
	}
	if err := checkBody(status, body, open); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return malformed("GitHub returned invalid JSON: %v", err)
		}
		return malformed("GitHub returned an unexpected shape: %v", err)
	}
	return validatePage(v)
}

func isList(v any) bool {
	switch v.(type) {
	case *[]*gh.PullRequest, *[]*gh.PullRequestReview, *[]*gh.IssueEvent, *[]*gh.Issue,
		*[]*gh.IssueComment, *[]*gh.PullRequestComment, *[]*gh.Repository, *[]json.RawMessage:
		return true
	}
	return false
}

// validatePage checks the elements of a decoded listing: every element
// present, with its id or number and the times the sync orders and stops by.
func validatePage(v any) error {
	switch l := v.(type) {
	case *[]*gh.PullRequest:
		return each(*l, func(pr *gh.PullRequest) error {
			if pr.GetNumber() <= 0 {
				return errors.New("number missing")
			}
			if s := pr.GetState(); s != "open" && s != "closed" {
				return fmt.Errorf("state %q", s)
			}
			return times(pr.CreatedAt, "created_at", pr.UpdatedAt, "updated_at")
		})
	case *[]*gh.PullRequestReview:
		return each(*l, func(rv *gh.PullRequestReview) error {
			if rv.GetID() == 0 || rv.GetState() == "" {
				return errors.New("id or state missing")
			}
			if rv.GetState() == "PENDING" {
				return nil
			}
			return times(rv.SubmittedAt, "submitted_at")
		})
	case *[]*gh.IssueEvent:
		return each(*l, func(ev *gh.IssueEvent) error {
			if ev.GetID() == 0 || ev.GetEvent() == "" {
				return errors.New("id or event missing")
			}
			return times(ev.CreatedAt, "created_at")
		})
	case *[]*gh.Issue:
		return each(*l, func(is *gh.Issue) error {
			if is.GetNumber() <= 0 {
				return errors.New("number missing")
			}
			return times(is.CreatedAt, "created_at", is.UpdatedAt, "updated_at")
		})
	case *[]*gh.IssueComment:
		return each(*l, func(c *gh.IssueComment) error {
			if c.GetID() == 0 {
				return errors.New("id missing")
			}
			return times(c.CreatedAt, "created_at", c.UpdatedAt, "updated_at")
		})
	case *[]*gh.PullRequestComment:
		return each(*l, func(c *gh.PullRequestComment) error {
			if c.GetID() == 0 {
				return errors.New("id missing")
			}
			return times(c.CreatedAt, "created_at", c.UpdatedAt, "updated_at")
		})
	case *[]*gh.Repository:
		return each(*l, func(rp *gh.Repository) error {
			if rp.GetFullName() == "" {
				return errors.New("full_name missing")
			}
			return nil
		})
	}
	return nil
}

func each[T any](list []*T, check func(*T) error) error {
	for i, v := range list {
		if v == nil {
			return malformed("GitHub returned null as element %d of the page", i)
		}
		if err := check(v); err != nil {
			return malformed("GitHub returned element %d of the page without what every element has: %v", i, err)
		}
	}
	return nil
}

// times checks (timestamp, name) pairs: present and within the years
// GitHub can hold (a number where a date belongs decodes as 1970).
func times(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		t, _ := pairs[i].(*gh.Timestamp)
		if t == nil || t.IsZero() {
			return fmt.Errorf("%s missing", pairs[i+1])
		}
		if !plausible(t.Time) {
			return fmt.Errorf("%s %s is not a plausible date", pairs[i+1], t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func plausible(t time.Time) bool {
	return t.Year() >= 2000 && t.Year() < 2200
}
