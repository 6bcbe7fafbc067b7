package synth_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-github/v60/github"

	"github.com/systemic-dev/systemic/internal/synth"
)

// TestShapesDecodeIntoClientTypes proves the payloads have the real API
// shapes: every line decodes into go-jira's and go-github's types.
func TestShapesDecodeIntoClientTypes(t *testing.T) {
	dir := t.TempDir()
	res, err := synth.Generate(dir, smallSpec())
	if err != nil {
		t.Fatal(err)
	}
	n := eachLine(t, filepath.Join(dir, "jira", "issues.jsonl"), func(i int, is *jira.Issue) {
		if is.Key == "" || is.Fields == nil || is.Fields.Status == nil || is.Changelog == nil {
			t.Fatalf("issue line %d: key, fields, status or changelog missing", i)
		}
		if time.Time(is.Fields.Created).IsZero() {
			t.Fatalf("issue %s: created did not parse", is.Key)
		}
		if is.Fields.Status.StatusCategory.Key == "done" && time.Time(is.Fields.Resolutiondate).IsZero() {
			t.Errorf("issue %s: done without resolutiondate", is.Key)
		}
		for _, h := range is.Changelog.Histories {
			if _, err := time.Parse("2006-01-02T15:04:05.000-0700", h.Created); err != nil {
				t.Fatalf("issue %s history %s: %v", is.Key, h.Id, err)
			}
		}
	})
	if n != res.JiraIssues {
		t.Errorf("issues.jsonl has %d lines, result says %d", n, res.JiraIssues)
	}
	eachLine(t, filepath.Join(dir, "jira", "sprints.jsonl"), func(i int, s *jira.Sprint) {
		if s.ID == 0 || s.Name == "" {
			t.Errorf("sprint line %d: no id or name", i)
		}
	})
	var fields []jira.Field
	readJSON(t, filepath.Join(dir, "jira", "fields.json"), &fields)
	var statuses []jira.Status
	readJSON(t, filepath.Join(dir, "jira", "statuses.json"), &statuses)
	var boards []jira.Board
	readJSON(t, filepath.Join(dir, "jira", "boards.json"), &boards)
	if len(fields) == 0 || len(statuses) != 6 || len(boards) != res.Spec.Teams {
		t.Errorf("fields %d, statuses %d, boards %d", len(fields), len(statuses), len(boards))
	}
	eachLine(t, filepath.Join(dir, "github", "repos.jsonl"), func(i int, r *github.Repository) {
		if r.GetFullName() == "" || r.GetOwner().GetLogin() == "" {
			t.Errorf("repo line %d: no full name or owner", i)
		}
	})
	for _, repo := range repoDirs(t, dir) {
		pulls := eachLine(t, filepath.Join(repo, "pulls.jsonl"), func(i int, p *github.PullRequest) {
			if p.GetNumber() == 0 || p.GetUser().GetLogin() == "" || p.CreatedAt == nil {
				t.Fatalf("%s pull line %d: number, user or created_at missing", repo, i)
			}
			if p.GetMerged() != (p.MergedAt != nil) {
				t.Errorf("%s #%d: merged %v but merged_at %v", repo, p.GetNumber(), p.GetMerged(), p.MergedAt)
			}
		})
		eachLine(t, filepath.Join(repo, "reviews.jsonl"), func(i int, r *github.PullRequestReview) {
			if r.GetState() == "" || r.SubmittedAt == nil || r.GetUser().GetLogin() == "" {
				t.Fatalf("%s review line %d: state, submitted_at or user missing", repo, i)
			}
		})
		eachLine(t, filepath.Join(repo, "events.jsonl"), func(i int, e *github.IssueEvent) {
			if e.GetEvent() == "" || e.CreatedAt == nil || e.Issue == nil {
				t.Fatalf("%s event line %d: event, created_at or issue missing", repo, i)
			}
			if e.GetEvent() == "review_requested" && e.RequestedReviewer == nil && e.RequestedTeam == nil {
				t.Errorf("%s event %d: review_requested without reviewer or team", repo, e.GetID())
			}
		})
		eachLine(t, filepath.Join(repo, "issues.jsonl"), func(i int, is *github.Issue) {
			if is.IsPullRequest() {
				t.Errorf("%s issue line %d: a pull request in issues.jsonl", repo, i)
			}
		})
		eachLine(t, filepath.Join(repo, "comments.jsonl"), func(i int, c *github.IssueComment) {
			if c.GetIssueURL() == "" {
				t.Errorf("%s comment line %d: no issue_url", repo, i)
			}
		})
		eachLine(t, filepath.Join(repo, "review_comments.jsonl"), func(i int, c *github.PullRequestComment) {
			if c.GetPullRequestReviewID() == 0 {
				t.Errorf("%s review comment line %d: no review id", repo, i)
			}
		})
		if pulls == 0 {
			t.Errorf("%s: no pull requests", repo)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
