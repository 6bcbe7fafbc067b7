package config

import "time"

// Config is the whole of systemic.yaml after defaults, ${ENV} expansion and
// validation.
type Config struct {
	Storage    Storage    `yaml:"storage"`
	Sources    []Source   `yaml:"sources"`
	Teams      []Team     `yaml:"teams"`
	People     []Person   `yaml:"people"`
	States     States     `yaml:"states"`
	Thresholds Thresholds `yaml:"thresholds"`
	Calendar   Calendar   `yaml:"calendar"`
	Privacy    Privacy    `yaml:"privacy"`
	// Plan is the path of plan.yaml, relative to the config file.
	Plan string `yaml:"plan"`

	// File is the path the config was loaded from.
	File string `yaml:"-"`
}

// Storage says where the DuckDB database lives.
type Storage struct {
	Path string `yaml:"path"` // default systemic.duckdb, relative to the config file
	// MemoryLimit caps DuckDB's memory (default 768MiB, or 256MiB per
	// thread when more); larger work spills to disk beside the database.
	MemoryLimit string `yaml:"memory_limit"`
}

// Source is one tracker to sync: kind jira or github. Fields that belong to
// the other kind are rejected by validation.
type Source struct {
	Name  string `yaml:"name"`
	Kind  string `yaml:"kind"` // jira | github
	URL   string `yaml:"url"`
	Auth  Auth   `yaml:"auth" json:"-"` // never in JSON (config hashes, dumps)
	Since Date   `yaml:"since"`         // ignore items not updated since this date
	// Overlap is how far before the cursor an incremental run starts again
	// (default 1h): clocks and JQL's minute precision make exact cursors lossy.
	Overlap Duration `yaml:"overlap"`

	// Jira
	JQL        string     `yaml:"jql"`        // default: project in (projects)
	Projects   []string   `yaml:"projects"`   // used when jql is empty
	Boards     []int      `yaml:"boards"`     // default: discovered from the projects
	Deployment string     `yaml:"deployment"` // auto (default) | cloud | datacenter
	Fields     JiraFields `yaml:"fields"`

	// GitHub
	Repos           []string `yaml:"repos"` // owner/name
	Org             string   `yaml:"org"`   // all repositories of an organisation
	Include         []string `yaml:"include"`
	Exclude         []string `yaml:"exclude"`
	IncludeArchived bool     `yaml:"include_archived"`
	Workers         int      `yaml:"workers"` // repositories synced at once (default 4)
	// API is how pull requests are read: graphql (one query a page of 100
	// PRs with reviews, timelines and sizes), rest (a call per PR for its
	// reviews), or empty: graphql where the server has it.
	API string `yaml:"api"`
}

// Auth holds credentials. Values come from the environment through ${VAR};
// they are never stored or logged.
type Auth struct {
	Email  string `yaml:"email"`  // Jira Cloud: with token (basic auth)
	Token  string `yaml:"token"`  // Jira Cloud API token or GitHub token
	Bearer string `yaml:"bearer"` // Jira Data Center personal access token

	// Unset names the variables of these fields that were not set when a
	// read-only command loaded the config (LoadOffline); such a config
	// must not be used to contact the source.
	Unset []string `yaml:"-"`
}

// JiraFields maps the custom fields systemic reads. "auto" (the default)
// discovers them from the field list by name.
type JiraFields struct {
	StoryPoints string `yaml:"story_points"`
	Sprint      string `yaml:"sprint"`
	EpicLink    string `yaml:"epic_link"`
	Flagged     string `yaml:"flagged"`
}

// Team is a declared team: its people and what it owns.
type Team struct {
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"` // person names, logins, emails or source ids
	Jira    struct {
		Projects   []string `yaml:"projects"`
		Components []string `yaml:"components"`
	} `yaml:"jira"`
	GitHub struct {
		Repos []string `yaml:"repos"`
		Teams []string `yaml:"teams"` // GitHub team slugs (org/slug) requested as reviewers
	} `yaml:"github"`
}

// Person merges identities across sources: ids are emails, "github:login",
// "jira:accountId" (or "jira:name" on Data Center) or bare logins.
type Person struct {
	Name string   `yaml:"name"`
	IDs  []string `yaml:"ids"`
}

// States maps workflow state names onto what they mean for flow. Names are
// matched case-insensitively. Unmapped states fall back on the tracker's
// status category (new, indeterminate = active, done).
type States struct {
	Active   []string `yaml:"active"`
	Waiting  []string `yaml:"waiting"`
	Blocked  []string `yaml:"blocked"`
	Decision []string `yaml:"decision"`
	Review   []string `yaml:"review"`
	Done     []string `yaml:"done"`
}

// Thresholds are the analysis defaults; plan agreements override them.
type Thresholds struct {
	MinSample       int      `yaml:"min_sample"`       // 5
	ReviewPickup    Duration `yaml:"review_pickup"`    // 24h
	WIPPerPerson    int      `yaml:"wip_per_person"`   // 3
	BlockedMax      Duration `yaml:"blocked"`          // 2d
	DecisionSLA     Duration `yaml:"decision_sla"`     // 2d
	Inactive        Duration `yaml:"inactive"`         // 5d
	CarryOver       int      `yaml:"carry_over"`       // 1 sprint
	AgingPercentile float64  `yaml:"aging_percentile"` // 0.85
	AssigneeChanges int      `yaml:"assignee_changes"` // 3
	StatusReturns   int      `yaml:"status_returns"`   // 2
	ReviewRounds    int      `yaml:"review_rounds"`    // 2 changes-requested rounds
	ScopeChurn      float64  `yaml:"scope_churn"`      // 0.25 of committed scope
	// UnreviewedMerges is how many merges without an approving review a
	// repository may have in a window; unset (nil), they are judged only
	// as part of a team's ownership gaps. A plan agreement wins.
	UnreviewedMerges *int    `yaml:"unreviewed_merges"`
	ReviewerShare    float64 `yaml:"reviewer_share"`   // 0.5: one person's share of a repo's reviews
	CrossTeamShare   float64 `yaml:"cross_team_share"` // 0.1
	ThroughputWeeks  int     `yaml:"throughput_weeks"` // 12 weeks of history for forecasts
	ForecastTrials   int     `yaml:"forecast_trials"`  // 10000
}

// Calendar says when people work, so waits over weekends and holidays are
// measured in working time too.
type Calendar struct {
	Timezone    string   `yaml:"timezone"`     // IANA name, default UTC
	WorkingDays []string `yaml:"working_days"` // default mon..fri
	DayStart    string   `yaml:"day_start"`    // 09:00
	DayEnd      string   `yaml:"day_end"`      // 17:00
	Holidays    []Date   `yaml:"holidays"`

	// Location is Timezone loaded.
	Location *time.Location `yaml:"-"`
}

// Privacy controls how people appear in output.
type Privacy struct {
	// Names shows people by name; the default shows stable pseudonyms.
	Names bool `yaml:"names"`
	// Salt varies the pseudonyms between organisations (default: none).
	Salt string `yaml:"salt"`
	// Audience is the reports' default audience: coach (default) or room
	// (people by role, no individual evidence); report --audience wins.
	Audience string `yaml:"audience"`
}
