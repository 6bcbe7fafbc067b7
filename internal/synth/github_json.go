package synth

import "fmt"

const ghAPI = "https://api.github.com"
const ghWeb = "https://github.com"

type gUser struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	HTMLURL   string `json:"html_url"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
}

type gTeam struct {
	ID          int64  `json:"id"`
	NodeID      string `json:"node_id"`
	URL         string `json:"url"`
	HTMLURL     string `json:"html_url"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
	Privacy     string `json:"privacy"`
	Permission  string `json:"permission"`
}

type gLabel struct {
	ID      int64  `json:"id"`
	NodeID  string `json:"node_id"`
	URL     string `json:"url"`
	Name    string `json:"name"`
	Color   string `json:"color"`
	Default bool   `json:"default"`
}

type gRepo struct {
	ID            int64  `json:"id"`
	NodeID        string `json:"node_id"`
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	Owner         gUser  `json:"owner"`
	Private       bool   `json:"private"`
	HTMLURL       string `json:"html_url"`
	Description   string `json:"description"`
	Fork          bool   `json:"fork"`
	URL           string `json:"url"`
	Archived      bool   `json:"archived"`
	Disabled      bool   `json:"disabled"`
	DefaultBranch string `json:"default_branch"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
	PushedAt      string `json:"pushed_at"`
	Visibility    string `json:"visibility"`
}

type gRef struct {
	Label string `json:"label"`
	Ref   string `json:"ref"`
	SHA   string `json:"sha"`
	User  gUser  `json:"user"`
}

type gPull struct {
	URL                string    `json:"url"`
	ID                 int64     `json:"id"`
	NodeID             string    `json:"node_id"`
	HTMLURL            string    `json:"html_url"`
	DiffURL            string    `json:"diff_url"`
	PatchURL           string    `json:"patch_url"`
	IssueURL           string    `json:"issue_url"`
	Number             int       `json:"number"`
	State              string    `json:"state"`
	Locked             bool      `json:"locked"`
	Title              string    `json:"title"`
	User               gUser     `json:"user"`
	Body               string    `json:"body"`
	CreatedAt          string    `json:"created_at"`
	UpdatedAt          string    `json:"updated_at"`
	ClosedAt           *string   `json:"closed_at"`
	MergedAt           *string   `json:"merged_at"`
	MergeCommitSHA     *string   `json:"merge_commit_sha"`
	Assignee           *gUser    `json:"assignee"`
	Assignees          []gUser   `json:"assignees"`
	RequestedReviewers []gUser   `json:"requested_reviewers"`
	RequestedTeams     []gTeam   `json:"requested_teams"`
	Labels             []gLabel  `json:"labels"`
	Milestone          *struct{} `json:"milestone"`
	Draft              bool      `json:"draft"`
	Head               gRef      `json:"head"`
	Base               gRef      `json:"base"`
	AuthorAssociation  string    `json:"author_association"`
	Merged             bool      `json:"merged"`
	Mergeable          *bool     `json:"mergeable"`
	MergeableState     string    `json:"mergeable_state"`
	MergedBy           *gUser    `json:"merged_by"`
	Comments           int       `json:"comments"`
	ReviewComments     int       `json:"review_comments"`
	Commits            int       `json:"commits"`
	Additions          int       `json:"additions"`
	Deletions          int       `json:"deletions"`
	ChangedFiles       int       `json:"changed_files"`
}

type gReview struct {
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	User              gUser  `json:"user"`
	Body              string `json:"body"`
	State             string `json:"state"`
	HTMLURL           string `json:"html_url"`
	PullRequestURL    string `json:"pull_request_url"`
	AuthorAssociation string `json:"author_association"`
	SubmittedAt       string `json:"submitted_at,omitempty"`
	CommitID          string `json:"commit_id"`
}

type gPullLink struct {
	URL      string  `json:"url"`
	HTMLURL  string  `json:"html_url"`
	DiffURL  string  `json:"diff_url"`
	PatchURL string  `json:"patch_url"`
	MergedAt *string `json:"merged_at"`
}

type gIssue struct {
	URL               string     `json:"url"`
	RepositoryURL     string     `json:"repository_url"`
	HTMLURL           string     `json:"html_url"`
	ID                int64      `json:"id"`
	NodeID            string     `json:"node_id"`
	Number            int        `json:"number"`
	Title             string     `json:"title"`
	User              gUser      `json:"user"`
	Labels            []gLabel   `json:"labels"`
	State             string     `json:"state"`
	Locked            bool       `json:"locked"`
	Assignee          *gUser     `json:"assignee"`
	Assignees         []gUser    `json:"assignees"`
	Milestone         *struct{}  `json:"milestone"`
	Comments          int        `json:"comments"`
	CreatedAt         string     `json:"created_at"`
	UpdatedAt         string     `json:"updated_at"`
	ClosedAt          *string    `json:"closed_at"`
	AuthorAssociation string     `json:"author_association"`
	PullRequest       *gPullLink `json:"pull_request,omitempty"`
	Body              string     `json:"body"`
}

type gEvent struct {
	ID                int64   `json:"id"`
	NodeID            string  `json:"node_id"`
	URL               string  `json:"url"`
	Actor             gUser   `json:"actor"`
	Event             string  `json:"event"`
	CommitID          *string `json:"commit_id"`
	CommitURL         *string `json:"commit_url"`
	CreatedAt         string  `json:"created_at"`
	RequestedReviewer *gUser  `json:"requested_reviewer,omitempty"`
	RequestedTeam     *gTeam  `json:"requested_team,omitempty"`
	ReviewRequester   *gUser  `json:"review_requester,omitempty"`
	Assignee          *gUser  `json:"assignee,omitempty"`
	Assigner          *gUser  `json:"assigner,omitempty"`
	Label             *struct {
		Name  string `json:"name"`
		Color string `json:"color"`
	} `json:"label,omitempty"`
	Issue *gEventIssue `json:"issue"`
}

type gComment struct {
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	IssueURL          string `json:"issue_url"`
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	User              gUser  `json:"user"`
	CreatedAt         string `json:"created_at"`
	UpdatedAt         string `json:"updated_at"`
	AuthorAssociation string `json:"author_association"`
	Body              string `json:"body"`
}

type gReviewComment struct {
	URL                 string `json:"url"`
	PullRequestReviewID int64  `json:"pull_request_review_id"`
	ID                  int64  `json:"id"`
	NodeID              string `json:"node_id"`
	DiffHunk            string `json:"diff_hunk"`
	Path                string `json:"path"`
	CommitID            string `json:"commit_id"`
	OriginalCommitID    string `json:"original_commit_id"`
	User                gUser  `json:"user"`
	Body                string `json:"body"`
	CreatedAt           string `json:"created_at"`
	UpdatedAt           string `json:"updated_at"`
	HTMLURL             string `json:"html_url"`
	PullRequestURL      string `json:"pull_request_url"`
	AuthorAssociation   string `json:"author_association"`
	Line                int    `json:"line"`
	Side                string `json:"side"`
}

func (o *org) ghUser(p int) gUser {
	pp := o.people[p]
	typ := "User"
	if pp.Bot {
		typ = "Bot"
	}
	return gUser{Login: pp.Login, ID: pp.GitHubID, NodeID: fmt.Sprintf("U_kgDO%08d", pp.GitHubID), Type: typ,
		HTMLURL: ghWeb + "/" + pp.Login}
}

func (o *org) ghOwner() gUser {
	id := int64(9000000 + o.spec.Seed%1000)
	return gUser{Login: o.spec.Owner, ID: id, NodeID: fmt.Sprintf("O_kgDO%08d", id), Type: "Organization",
		HTMLURL: ghWeb + "/" + o.spec.Owner}
}

func (o *org) ghTeam(t int) gTeam {
	tm := &o.teams[t]
	id := int64(700000 + t)
	return gTeam{ID: id, NodeID: fmt.Sprintf("T_kwDO%08d", id), Name: titleCase(tm.Name), Slug: tm.Name,
		URL:         fmt.Sprintf("%s/organizations/%d/team/%d", ghAPI, 9000000+o.spec.Seed%1000, id),
		HTMLURL:     fmt.Sprintf("%s/orgs/%s/teams/%s", ghWeb, o.spec.Owner, tm.Name),
		Description: titleCase(tm.Name) + " team", Privacy: "closed", Permission: "pull"}
}

func (o *org) ghRepo(t int) gRepo {
	tm := &o.teams[t]
	full := o.spec.Owner + "/" + tm.Repo
	id := int64(500000000 + t)
	created := o.spec.Start().AddDate(-2, 0, 0).Format(githubTime)
	return gRepo{ID: id, NodeID: fmt.Sprintf("R_kgDO%08d", id), Name: tm.Repo, FullName: full, Owner: o.ghOwner(),
		Private: true, HTMLURL: ghWeb + "/" + full, Description: titleCase(tm.Name) + " team service",
		URL: ghAPI + "/repos/" + full, DefaultBranch: "main", CreatedAt: created,
		UpdatedAt: o.spec.End.Format(githubTime), PushedAt: o.spec.End.Format(githubTime), Visibility: "private"}
}

// gEventIssue is the issue embedded in a repository issue event, kept to
// the fields readers use so 4M events stay a few gigabytes smaller.
type gEventIssue struct {
	URL         string     `json:"url"`
	HTMLURL     string     `json:"html_url"`
	ID          int64      `json:"id"`
	NodeID      string     `json:"node_id"`
	Number      int        `json:"number"`
	Title       string     `json:"title"`
	State       string     `json:"state"`
	CreatedAt   string     `json:"created_at"`
	UpdatedAt   string     `json:"updated_at"`
	ClosedAt    *string    `json:"closed_at"`
	PullRequest *gPullLink `json:"pull_request,omitempty"`
}
