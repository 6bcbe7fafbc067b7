package config

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/privacy"
)

var (
	repoName    = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	customField = regexp.MustCompile(`^customfield_\d+$`)
	clock       = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
	weekdays    = map[string]time.Weekday{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
	memorySize  = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)
)

// ValidMemoryLimit says whether limit reads as a memory size DuckDB takes
// for storage.memory_limit, such as 512MB or 2GiB.
func ValidMemoryLimit(limit string) bool { return memorySize.MatchString(limit) }

func (v *validator) validate(cfg *Config) {
	if m := cfg.Storage.MemoryLimit; m != "" && !ValidMemoryLimit(m) {
		v.addf("storage.memory_limit", "%q is not a memory size; give one such as 512MB or 2GiB", m)
	}
	if len(cfg.Sources) == 0 {
		v.addf("sources", "no sources configured; add a jira or github source (see config.example.yaml)")
	}
	names := map[string]bool{}
	for i, s := range cfg.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		switch {
		case s.Name == "":
			v.addf(p+".name", "missing; give every source a short unique name, e.g. acme-jira")
		case names[s.Name]:
			v.addf(p+".name", "%q is used by another source; names must be unique", s.Name)
		}
		names[s.Name] = true
		v.validateURL(p+".url", s.URL)
		switch s.Kind {
		case "jira":
			v.validateJira(p, s)
		case "github":
			v.validateGitHub(p, s)
		case "":
			v.addf(p+".kind", "missing; use jira or github")
		default:
			v.addf(p+".kind", "%q is not a source kind; use jira or github", s.Kind)
		}
	}
	teams := map[string]bool{}
	for i, t := range cfg.Teams {
		p := fmt.Sprintf("teams[%d]", i)
		switch {
		case t.Name == "":
			v.addf(p+".name", "missing; every team needs a name")
		case teams[t.Name]:
			v.addf(p+".name", "team %q is declared twice", t.Name)
		}
		teams[t.Name] = true
		for j, r := range t.GitHub.Repos {
			if !repoName.MatchString(r) {
				v.addf(fmt.Sprintf("%s.github.repos[%d]", p, j), "%q is not owner/name", r)
			}
		}
	}
	for i, pe := range cfg.People {
		p := fmt.Sprintf("people[%d]", i)
		if pe.Name == "" {
			v.addf(p+".name", "missing; every person entry needs a name")
		}
		if len(pe.IDs) == 0 {
			v.addf(p+".ids", "empty; list the person's accounts, e.g. [alice@acme.com, \"github:alice-m\", \"jira:5b10a...\"]")
		}
	}
	v.validateThresholds(cfg.Thresholds)
	v.validateCalendar(&cfg.Calendar)
}

func (v *validator) validateURL(field, raw string) {
	if raw == "" {
		v.addf(field, "missing; the tracker's base URL, e.g. https://acme.atlassian.net")
		return
	}
	shown := privacy.RedactURLs(raw)
	if strings.Contains(shown, "@") { // a credential the pattern did not catch: never print it
		shown = "the url"
	}
	u, err := url.Parse(raw)
	switch {
	case shown != raw || (err == nil && u.User != nil):
		v.addf(field, "%s holds a user name or password; put credentials in auth (Jira: {email: \"${JIRA_EMAIL}\", "+
			"token: \"${JIRA_API_TOKEN}\"}; GitHub: {token: \"${GITHUB_TOKEN}\"}) and give the url without them", shown)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		v.addf(field, "%q is not an http(s) URL", shown)
	}
}

func (v *validator) validateJira(p string, s Source) {
	switch {
	case s.Auth.Bearer != "" && (s.Auth.Email != "" || s.Auth.Token != ""):
		v.addf(p+".auth", "use either email + token (Jira Cloud) or bearer (Data Center), not both")
	case s.Auth.Bearer == "" && (s.Auth.Email == "") != (s.Auth.Token == ""):
		v.addf(p+".auth", "Jira Cloud needs both email and token (an API token from id.atlassian.com)")
	case s.Auth.Bearer == "" && s.Auth.Token == "":
		v.addf(p+".auth", "missing; Jira Cloud: {email: \"${JIRA_EMAIL}\", token: \"${JIRA_API_TOKEN}\"}; Data Center: {bearer: \"${JIRA_PAT}\"}")
	}
	if s.JQL == "" && len(s.Projects) == 0 {
		v.addf(p+".jql", "missing; give a jql (e.g. \"project in (PLAT, GROW)\") or a projects list")
	}
	switch s.Deployment {
	case "auto", "cloud", "datacenter":
	default:
		v.addf(p+".deployment", "%q: use auto, cloud or datacenter", s.Deployment)
	}
	fields := map[string]string{"story_points": s.Fields.StoryPoints, "sprint": s.Fields.Sprint,
		"epic_link": s.Fields.EpicLink, "flagged": s.Fields.Flagged}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if f := fields[name]; f != "" && f != "auto" && !customField.MatchString(f) {
			v.addf(p+".fields."+name, "%q: use auto or a field id like customfield_10016", f)
		}
	}
	if len(s.Repos) > 0 || s.Org != "" || len(s.Include) > 0 || len(s.Exclude) > 0 {
		v.addf(p, "repos, org, include and exclude belong to github sources, not jira")
	}
}

func (v *validator) validateGitHub(p string, s Source) {
	if s.Auth.Token == "" {
		v.addf(p+".auth.token", "missing; a GitHub token: {token: \"${GITHUB_TOKEN}\"}")
	}
	if s.Auth.Email != "" || s.Auth.Bearer != "" {
		v.addf(p+".auth", "github sources take only auth.token")
	}
	if len(s.Repos) == 0 && s.Org == "" {
		v.addf(p+".repos", "missing; list repositories as owner/name, or give an org")
	}
	for j, r := range s.Repos {
		if !repoName.MatchString(r) {
			v.addf(fmt.Sprintf("%s.repos[%d]", p, j), "%q is not owner/name", r)
		}
	}
	if s.Workers < 0 || s.Workers > 32 {
		v.addf(p+".workers", "%d: use 1 to 32", s.Workers)
	}
	if s.API != "" && s.API != "graphql" && s.API != "rest" {
		v.addf(p+".api", "%q: use graphql or rest (or leave it out: graphql where the server has it)", s.API)
	}
	if s.JQL != "" || len(s.Projects) > 0 || len(s.Boards) > 0 {
		v.addf(p, "jql, projects and boards belong to jira sources, not github")
	}
}

func (v *validator) validateThresholds(t Thresholds) {
	counts := map[string]int{"min_sample": t.MinSample, "wip_per_person": t.WIPPerPerson,
		"carry_over": t.CarryOver, "assignee_changes": t.AssigneeChanges, "status_returns": t.StatusReturns,
		"review_rounds": t.ReviewRounds, "throughput_weeks": t.ThroughputWeeks, "forecast_trials": t.ForecastTrials}
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		if n := counts[name]; n < 0 {
			v.addf("thresholds."+name, "%d is negative", n)
		}
	}
	if t.UnreviewedMerges != nil && *t.UnreviewedMerges < 0 {
		v.addf("thresholds.unreviewed_merges", "%d is negative", *t.UnreviewedMerges)
	}
	shares := map[string]float64{"aging_percentile": t.AgingPercentile, "scope_churn": t.ScopeChurn,
		"reviewer_share": t.ReviewerShare, "cross_team_share": t.CrossTeamShare}
	for _, name := range slices.Sorted(maps.Keys(shares)) {
		if f := shares[name]; f < 0 || f > 1 {
			v.addf("thresholds."+name, "%g: use a fraction between 0 and 1", f)
		}
	}
}

func (v *validator) validateCalendar(c *Calendar) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		v.addf("calendar.timezone", "%q is not an IANA time zone (e.g. Europe/Berlin)", c.Timezone)
		loc = time.UTC
	}
	c.Location = loc
	for i, d := range c.WorkingDays {
		if _, ok := weekdays[strings.ToLower(d)]; !ok {
			v.addf(fmt.Sprintf("calendar.working_days[%d]", i), "%q: use mon, tue, wed, thu, fri, sat or sun", d)
		}
	}
	for _, day := range []struct{ field, s string }{{"day_start", c.DayStart}, {"day_end", c.DayEnd}} {
		if !clock.MatchString(day.s) {
			v.addf("calendar."+day.field, "%q: use HH:MM, e.g. 09:00", day.s)
		}
	}
	if clock.MatchString(c.DayStart) && clock.MatchString(c.DayEnd) && c.DayStart >= c.DayEnd {
		v.addf("calendar.day_end", "%s is not after day_start %s", c.DayEnd, c.DayStart)
	}
}

// Weekdays returns the working days as time.Weekday values.
func (c Calendar) Weekdays() []time.Weekday {
	var out []time.Weekday
	for _, d := range c.WorkingDays {
		if w, ok := weekdays[strings.ToLower(d)]; ok {
			out = append(out, w)
		}
	}
	return out
}

// HoursPerDay is the length of a working day (8 when the day is not set).
func (c Calendar) HoursPerDay() float64 {
	start, err1 := time.Parse("15:04", c.DayStart)
	end, err2 := time.Parse("15:04", c.DayEnd)
	if err1 != nil || err2 != nil || !end.After(start) {
		return 8
	}
	return end.Sub(start).Hours()
}
