package reports

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
)

// Reflection is what a finding gives a workshop: the systemic reading of
// its pattern, open questions for the team and candidate experiments. The
// text comes from reflections.yaml, the one reviewed place for it.
type Reflection struct {
	Reading     string       `json:"reading"`
	Questions   []string     `json:"questions"`
	Experiments []Experiment `json:"experiments"`
}

// Experiment is a candidate working agreement: a metric, a target and how
// the next report measures it.
type Experiment struct {
	Title   string `json:"title"`
	Metric  string `json:"metric"`
	Target  string `json:"target"`
	Measure string `json:"measure"`
	// Agreement is the experiment as a plan.yaml agreement entry, starting
	// when the report's period ends; it goes under agreements: as is.
	Agreement string `json:"agreement"`
}

//go:embed reflections.yaml
var reflectionsYAML []byte

type reflectionText struct {
	Severity    map[string]string `yaml:"severity"`
	Reading     string            `yaml:"reading"`
	Questions   []string          `yaml:"questions"`
	Experiments []struct {
		Metric  string `yaml:"metric"`
		Target  string `yaml:"target"`
		Title   string `yaml:"title"`
		Measure string `yaml:"measure"`
	} `yaml:"experiments"`
}

type reflectionFile struct {
	NoFindings []string                  `yaml:"no_findings"`
	Families   map[string]reflectionText `yaml:"families"`
	Default    reflectionText            `yaml:"default"`
}

var loadReflections = sync.OnceValues(func() (*reflectionFile, error) {
	var f reflectionFile
	dec := yaml.NewDecoder(strings.NewReader(string(reflectionsYAML)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("reports/reflections.yaml: %w", err)
	}
	return &f, nil
})

// ReflectionFamilies are the families reflections.yaml has text for, and
// the modules it says raise no findings.
func ReflectionFamilies() (families, noFindings []string, err error) {
	f, err := loadReflections()
	if err != nil {
		return nil, nil, err
	}
	for name := range f.Families {
		families = append(families, name)
	}
	return families, f.NoFindings, nil
}

// Reflect is the reflection of finding f: thresholds give the experiments'
// targets, since (the day after the report's period) their start date.
func Reflect(f Finding, th config.Thresholds, since time.Time) (*Reflection, error) {
	file, err := loadReflections()
	if err != nil {
		return nil, err
	}
	text, ok := file.Families[f.Pattern]
	if !ok {
		text = file.Default
	}
	team := f.Team
	if team == "" {
		team = "the team"
	}
	fill := strings.NewReplacer("{team's}", possessive(team), "{team}", team, "{subject}", f.Subject)
	r := &Reflection{Reading: strings.TrimSpace(fill.Replace(text.Severity[f.Severity] + " " + text.Reading))}
	for _, q := range text.Questions {
		r.Questions = append(r.Questions, fill.Replace(q))
	}
	th = analysis.WithDefaults(th)
	for i, e := range text.Experiments {
		if i > 0 && f.Severity == analysis.Info {
			break // an info finding suggests one experiment, if the team wants one
		}
		target := thresholdTarget(e.Target, th)
		sprints := fmt.Sprintf("%d sprints", th.CarryOver)
		if th.CarryOver == 1 {
			sprints = "1 sprint"
		}
		title := strings.NewReplacer("{target}", targetWords(target), "{sprints}", sprints).Replace(fill.Replace(e.Title))
		id := experimentID(e.Metric, f.Team)
		r.Experiments = append(r.Experiments, Experiment{Title: title, Metric: e.Metric, Target: target, Measure: fill.Replace(e.Measure),
			Agreement: fmt.Sprintf("{id: %s, title: %q, metric: %s, target: %s, since: %s}", id, title, e.Metric, target, since.Format(time.DateOnly))})
	}
	return r, nil
}

// thresholdTarget is the config threshold a target names, or the target.
func thresholdTarget(name string, th config.Thresholds) string {
	switch name {
	case "review_pickup":
		return th.ReviewPickup.String()
	case "wip_per_person":
		return fmt.Sprint(th.WIPPerPerson)
	case "blocked":
		return th.BlockedMax.String()
	case "decision_sla":
		return th.DecisionSLA.String()
	case "carry_over":
		return fmt.Sprint(th.CarryOver)
	}
	return name
}

var idUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

func experimentID(metric, team string) string {
	id := "try-" + strings.ReplaceAll(metric, "_", "-")
	if t := strings.Trim(idUnsafe.ReplaceAllString(strings.ToLower(team), "-"), "-"); t != "" {
		id += "-" + t
	}
	return id
}

// reflect gives every finding its reflection; experiments start the day
// the report's period ends.
func (m *model) reflect() error {
	for i := range m.report.Findings {
		r, err := Reflect(m.report.Findings[i], m.opts.Thresholds, m.opts.To)
		if err != nil {
			return err
		}
		m.report.Findings[i].Reflection = r
	}
	return nil
}

// possessive is "payments'" or "data's".
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

// targetWords is a duration target in words for a title: agreements on
// durations count working time, 24h of target being one working day
// ("1d": "a working day", "36h": "1.5 working days"); other targets as
// they are.
func targetWords(target string) string {
	d, err := config.ParseDuration(target)
	if err != nil || d <= 0 {
		return target
	}
	days := d.Hours() / 24
	if days == 1 {
		return "a working day"
	}
	return strconv.FormatFloat(days, 'f', -1, 64) + " working days"
}

// reflection writes a finding's reflection under it in Markdown.
func (w *mdWriter) reflection(r *Reflection) {
	if r == nil {
		return
	}
	w.f("   *For the team:* %s\n", md(r.Reading))
	for _, q := range r.Questions {
		w.f("   - %s\n", md(q))
	}
	for _, e := range r.Experiments {
		w.f("   - Try: %s. %s\n     As a plan.yaml agreement (%s ≤ %s): `- %s`\n", md(e.Title), md(e.Measure), e.Metric, e.Target, e.Agreement)
	}
}
