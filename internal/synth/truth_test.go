package synth_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/internal/synth"
)

// observed is what the tests read back from the generated files, with
// their own parsing, independent of the generator's bookkeeping.
type observed struct {
	team        map[string]string // Jira key or PR key -> team
	assignees   map[string]int    // key -> assignee changes
	returns     map[string]int    // key -> moves from In Review back to In Progress
	carries     map[string]int    // key -> sprint carry-overs
	blocked     map[string]float64
	blockedBy   map[string][]string // waiting key -> blocker keys
	decisions   map[string]decision
	progress    map[string][][2]time.Time // person id -> In Progress intervals
	requests    map[string]map[string]int // author team -> reviewer -> requests
	pickups     map[string][]float64      // reviewer -> working hours to first review
	teamPickups map[string][]float64      // author team -> working hours
	reviews     map[string]map[string]int // repo -> reviewer -> reviews
	// When things happened, for the bounds of the planted stretches.
	asked     map[string][]time.Time    // reviewer -> review requests by name
	carryAt   map[string][]time.Time    // key -> carry-overs
	assignAt  map[string][]time.Time    // key -> assignee changes
	blockSpan map[string][][2]time.Time // key -> Blocked intervals
	planned   map[string]plannedAt      // key -> first sprint planning
	removed   map[string][]time.Time    // key -> taken out of a running sprint (not at its close)
	merges    []merge                   // merged pull requests by people
}

type plannedAt struct {
	at, sprintStart time.Time
	team            string
}

type merge struct {
	key, repo string
	at        time.Time
	reviewed  bool
}

type decision struct {
	by       string
	hours    float64
	from, at time.Time
}

type jiraLine struct {
	Key    string `json:"key"`
	Fields struct {
		Project    struct{ Key string }
		Assignee   *struct{ AccountID string }
		Issuelinks []struct {
			Type        struct{ Name string }
			InwardIssue *struct{ Key string }
		}
	} `json:"fields"`
	Changelog struct {
		Histories []struct {
			Author  struct{ AccountID string }
			Created string
			Items   []struct {
				Field                string
				From, To             *string
				FromString, ToString *string
			}
		}
	}
}

func observe(t *testing.T, dir string, res *synth.Result) *observed {
	t.Helper()
	ob := &observed{team: map[string]string{}, assignees: map[string]int{}, returns: map[string]int{}, carries: map[string]int{},
		blocked: map[string]float64{}, blockedBy: map[string][]string{}, decisions: map[string]decision{},
		progress: map[string][][2]time.Time{}, requests: map[string]map[string]int{}, pickups: map[string][]float64{},
		teamPickups: map[string][]float64{}, reviews: map[string]map[string]int{},
		asked: map[string][]time.Time{}, carryAt: map[string][]time.Time{}, assignAt: map[string][]time.Time{},
		blockSpan: map[string][][2]time.Time{}, planned: map[string]plannedAt{}, removed: map[string][]time.Time{}}
	sprintStart := map[string]time.Time{}
	closes := map[string]bool{}
	eachLine(t, filepath.Join(dir, "jira", "sprints.jsonl"), func(_ int, s *struct{ Name, StartDate, CompleteDate string }) {
		if s.StartDate == "" {
			return // a future sprint
		}
		closes[s.CompleteDate] = true
		at, err := time.Parse("2006-01-02T15:04:05.000Z", s.StartDate)
		if err != nil {
			t.Fatalf("sprint %s: %v", s.Name, err)
		}
		sprintStart[s.Name] = at
	})
	teamOf, byAccount, byLogin := map[string]string{}, map[string]string{}, map[string]string{}
	for _, tm := range res.Teams {
		teamOf[tm.Project], teamOf[tm.Repo] = tm.Name, tm.Name
	}
	for _, p := range res.People {
		byAccount[p.AccountID], byLogin[p.Login] = p.ID, p.ID
	}
	eachLine(t, filepath.Join(dir, "jira", "issues.jsonl"), func(_ int, is *jiraLine) {
		ob.team[is.Key] = teamOf[is.Fields.Project.Key]
		for _, l := range is.Fields.Issuelinks {
			if l.Type.Name == "Blocks" && l.InwardIssue != nil {
				ob.blockedBy[is.Key] = append(ob.blockedBy[is.Key], l.InwardIssue.Key)
			}
		}
		owner := ""
		var progressAt, blockedAt, awaitAt time.Time
		// The initial assignee is the one before the first assignee change.
		for _, h := range is.Changelog.Histories {
			for _, it := range h.Items {
				if it.Field == "assignee" && it.From != nil {
					owner = byAccount[*it.From]
				}
				if it.Field == "assignee" {
					goto found
				}
			}
		}
		if is.Fields.Assignee != nil {
			owner = byAccount[is.Fields.Assignee.AccountID]
		}
	found:
		for _, h := range is.Changelog.Histories {
			at, err := time.Parse("2006-01-02T15:04:05.000-0700", h.Created)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range h.Items {
				switch it.Field {
				case "assignee":
					ob.assignees[is.Key]++
					ob.assignAt[is.Key] = append(ob.assignAt[is.Key], at)
					if !progressAt.IsZero() && owner != "" {
						ob.progress[owner] = append(ob.progress[owner], [2]time.Time{progressAt, at})
						progressAt = at
					}
					owner = ""
					if it.To != nil {
						owner = byAccount[*it.To]
					}
				case "Sprint":
					if *it.From != "" {
						ob.carries[is.Key]++
						ob.carryAt[is.Key] = append(ob.carryAt[is.Key], at)
						if !closes[at.UTC().Format("2006-01-02T15:04:05.000Z")] {
							ob.removed[is.Key] = append(ob.removed[is.Key], at)
						}
					} else if _, ok := ob.planned[is.Key]; !ok {
						ob.planned[is.Key] = plannedAt{at: at, sprintStart: sprintStart[*it.ToString], team: ob.team[is.Key]}
					}
				case "status":
					from, to := *it.FromString, *it.ToString
					if from == "In Review" && to == "In Progress" {
						ob.returns[is.Key]++
					}
					if from == "In Progress" && !progressAt.IsZero() {
						ob.progress[owner] = append(ob.progress[owner], [2]time.Time{progressAt, at})
						progressAt = time.Time{}
					}
					if to == "In Progress" {
						progressAt = at
					}
					if from == "Blocked" {
						ob.blocked[is.Key] += at.Sub(blockedAt).Hours()
						ob.blockSpan[is.Key] = append(ob.blockSpan[is.Key], [2]time.Time{blockedAt, at})
					}
					if to == "Blocked" {
						blockedAt = at
					}
					if to == "Awaiting Approval" {
						awaitAt = at
					}
					if from == "Awaiting Approval" {
						ob.decisions[is.Key] = decision{by: byAccount[h.Author.AccountID], hours: workHours(awaitAt, at), from: awaitAt, at: at}
					}
				}
			}
		}
		if !blockedAt.IsZero() && ob.blocked[is.Key] == 0 {
			ob.blocked[is.Key] = res.Spec.End.Sub(blockedAt).Hours()
			ob.blockSpan[is.Key] = append(ob.blockSpan[is.Key], [2]time.Time{blockedAt, res.Spec.End})
		}
		if !progressAt.IsZero() && owner != "" {
			ob.progress[owner] = append(ob.progress[owner], [2]time.Time{progressAt, res.Spec.End})
		}
	})
	for _, repo := range repoDirs(t, dir) {
		full := filepath.Base(filepath.Dir(repo)) + "/" + filepath.Base(repo)
		team := teamOf[full]
		ob.reviews[full] = map[string]int{}
		if ob.requests[team] == nil {
			ob.requests[team] = map[string]int{}
		}
		type req struct {
			who string
			at  time.Time
		}
		asked := map[int][]req{}
		merged := map[int]merge{}
		authors := map[int]string{}
		eachLine(t, filepath.Join(repo, "pulls.jsonl"), func(_ int, p *struct {
			Number   int
			MergedAt *time.Time `json:"merged_at"`
			User     struct{ Login string }
		}) {
			key := fmt.Sprintf("%s#%d", full, p.Number)
			ob.team[key] = team
			if author := byLogin[p.User.Login]; p.MergedAt != nil && author != "" {
				merged[p.Number], authors[p.Number] = merge{key: key, repo: full, at: *p.MergedAt}, author
			}
		})

		eachLine(t, filepath.Join(repo, "events.jsonl"), func(_ int, e *struct {
			Event             string
			CreatedAt         time.Time               `json:"created_at"`
			RequestedReviewer *struct{ Login string } `json:"requested_reviewer"`
			RequestedTeam     *struct{ Slug string }  `json:"requested_team"`
			Issue             struct{ Number int }
		}) {
			if e.Event != "review_requested" {
				return
			}
			who := "team:" + func() string {
				if e.RequestedTeam != nil {
					return e.RequestedTeam.Slug
				}
				return ""
			}()
			if e.RequestedReviewer != nil {
				who = byLogin[e.RequestedReviewer.Login]
				ob.asked[who] = append(ob.asked[who], e.CreatedAt)
			}
			ob.requests[team][who]++
			asked[e.Issue.Number] = append(asked[e.Issue.Number], req{who, e.CreatedAt})
		})
		eachLine(t, filepath.Join(repo, "reviews.jsonl"), func(_ int, r *struct {
			User           struct{ Login string }
			SubmittedAt    time.Time `json:"submitted_at"`
			PullRequestURL string    `json:"pull_request_url"`
		}) {
			who := byLogin[r.User.Login]
			ob.reviews[full][who]++
			var n int
			fmt.Sscanf(r.PullRequestURL[strings.LastIndex(r.PullRequestURL, "/")+1:], "%d", &n)
			if m, ok := merged[n]; ok && who != authors[n] && !r.SubmittedAt.After(m.at) {
				m.reviewed = true
				merged[n] = m
			}
			for i, q := range asked[n] {
				if q.who == who && !q.at.After(r.SubmittedAt) {
					h := workHours(q.at, r.SubmittedAt)
					ob.pickups[who] = append(ob.pickups[who], h)
					ob.teamPickups[team] = append(ob.teamPickups[team], h)
					asked[n] = slices.Delete(asked[n], i, i+1)
					break
				}
			}
		})
		for _, m := range merged {
			ob.merges = append(ob.merges, m)
		}
	}
	return ob
}

// workHours counts Monday-Friday 09:00-17:00 UTC hours between a and b.
func workHours(a, b time.Time) float64 {
	var h float64
	for t := a; t.Before(b); t = t.Add(15 * time.Minute) {
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday && t.Hour() >= 9 && t.Hour() < 17 {
			h += 0.25
		}
	}
	return h
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	return s[len(s)/2]
}

func maxConcurrent(iv [][2]time.Time) int {
	best := 0
	for _, a := range iv {
		n := 0
		for _, b := range iv {
			if !b[0].After(a[0]) && b[1].After(a[0]) {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

func share(m map[string]int, who string) float64 {
	total := 0
	for _, n := range m {
		total += n
	}
	if total == 0 {
		return 0
	}
	return float64(m[who]) / float64(total)
}

func topShare(m map[string]int) (string, float64) {
	best, top := "", 0.0
	for who := range m {
		if s := share(m, who); s > top || (s == top && who < best) {
			best, top = who, s
		}
	}
	return best, top
}
