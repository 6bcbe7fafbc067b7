package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a config file, at a line, with the fix.
type Problem struct {
	File  string
	Line  int
	Field string // path like sources[1].auth.token
	Msg   string
}

// String writes the problem as file:line: field: message.
func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	if p.Field == "" {
		return loc + ": " + p.Msg
	}
	return fmt.Sprintf("%s: %s: %s", loc, p.Field, p.Msg)
}

// ValidationError lists every problem found in a file, not just the first.
type ValidationError struct {
	Problems []Problem
}

// Error lists every problem of the file, one a line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems in the config:\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Load reads, expands and validates a config file, for commands that
// contact the sources: every ${VAR} must be set. Relative paths in it
// (storage.path, plan) are made relative to the file's directory. The error
// is a *ValidationError listing every problem, or wraps fs.ErrNotExist.
func Load(path string) (*Config, error) {
	return load(path, false)
}

// LoadOffline is Load for commands that only read the store (query,
// report, export, analyze): an unset variable in a source's auth is no
// problem there, since no tracker is contacted. The source keeps the
// ${VAR} reference and lists the variable in Auth.Unset. Everything else
// is validated as strictly as Load does.
func LoadOffline(path string) (*Config, error) {
	return load(path, true)
}

func load(path string, offline bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return parse(path, data, os.LookupEnv, offline)
}

// Parse is Load on bytes already read; lookup resolves ${VAR} references.
func Parse(path string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	return parse(path, data, lookup, false)
}

// ParseOffline is LoadOffline on bytes already read.
func ParseOffline(path string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	return parse(path, data, lookup, true)
}

func parse(path string, data []byte, lookup func(string) (string, bool), offline bool) (*Config, error) {
	name := filepath.Base(path)
	v := &validator{file: name, lines: map[string]int{}, offline: offline}

	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ValidationError{[]Problem{yamlProblem(name, err)}}
	}
	if len(root.Content) == 0 {
		return nil, &ValidationError{[]Problem{{File: name, Msg: "the file is empty; start from config.example.yaml"}}}
	}
	v.index(root.Content[0], "")

	cfg := &Config{File: path}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, &ValidationError{[]Problem{yamlProblem(name, err)}}
		}
		for _, msg := range te.Errors {
			v.problems = append(v.problems, yamlProblem(name, errors.New(msg)))
		}
	}
	v.expand(cfg, lookup)
	dir := filepath.Dir(path)
	v.defaults(cfg, dir)
	v.validate(cfg)
	if len(v.problems) > 0 {
		return nil, &ValidationError{v.problems}
	}
	return cfg, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblem turns "yaml: line 14: field tokn not found in type config.Auth"
// into a Problem with the line and a hint.
func yamlProblem(file string, err error) Problem {
	msg := err.Error()
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return Problem{File: file, Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	msg = m[2]
	if f := regexp.MustCompile(`field (\S+) not found in type config\.(\w+)`).FindStringSubmatch(msg); f != nil {
		msg = fmt.Sprintf("unknown key %q in %s; check its spelling against config.example.yaml", f[1], strings.ToLower(f[2]))
	}
	return Problem{File: file, Line: line, Msg: msg}
}

type validator struct {
	file     string
	lines    map[string]int // field path -> line
	problems []Problem
	// offline lets auth variables be unset: the command contacts no source.
	offline bool
}

// index records the line of every key path in the document.
func (v *validator) index(n *yaml.Node, path string) {
	v.lines[path] = n.Line
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			v.lines[p] = n.Content[i].Line
			v.index(n.Content[i+1], p)
			v.lines[p] = n.Content[i].Line
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			v.index(c, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// addf records a problem at field (its line, or its nearest parent's).
func (v *validator) addf(field, format string, args ...any) {
	line := 0
	for p := field; p != ""; p = parent(p) {
		if l, ok := v.lines[p]; ok {
			line = l
			break
		}
	}
	v.problems = append(v.problems, Problem{File: v.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expand replaces ${VAR} in the fields that may hold secrets or
// machine-specific values. A missing variable is a problem, never "";
// offline, a missing credential is only noted in the source's Auth.Unset.
func (v *validator) expand(cfg *Config, lookup func(string) (string, bool)) {
	sub := func(field string, s *string, unset *[]string) {
		*s = envRef.ReplaceAllStringFunc(*s, func(ref string) string {
			name := envRef.FindStringSubmatch(ref)[1]
			val, ok := lookup(name)
			switch {
			case ok && val != "":
				return val
			case unset != nil && v.offline:
				*unset = append(*unset, name)
			default:
				v.addf(field, "environment variable %s is not set; export it before running systemic", name)
			}
			return ref // keep the reference: the field is not "missing" as well
		})
	}
	sub("storage.path", &cfg.Storage.Path, nil)
	sub("plan", &cfg.Plan, nil)
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		p := fmt.Sprintf("sources[%d]", i)
		sub(p+".url", &s.URL, nil)
		sub(p+".jql", &s.JQL, nil)
		sub(p+".auth.email", &s.Auth.Email, &s.Auth.Unset)
		sub(p+".auth.token", &s.Auth.Token, &s.Auth.Unset)
		sub(p+".auth.bearer", &s.Auth.Bearer, &s.Auth.Unset)
	}
}

func (v *validator) defaults(cfg *Config, dir string) {
	if cfg.Storage.Path == "" {
		cfg.Storage.Path = "systemic.duckdb"
	}
	if cfg.Storage.Path != ":memory:" && !filepath.IsAbs(cfg.Storage.Path) {
		cfg.Storage.Path = filepath.Join(dir, cfg.Storage.Path)
	}
	if cfg.Plan != "" && !filepath.IsAbs(cfg.Plan) {
		cfg.Plan = filepath.Join(dir, cfg.Plan)
	}
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if s.Overlap == 0 {
			s.Overlap = Duration(time.Hour)
		}
		if s.Kind == "github" && s.Workers == 0 {
			s.Workers = 4
		}
		if s.Kind == "github" && s.URL == "" {
			s.URL = "https://api.github.com"
		}
		if s.Kind == "jira" && s.Deployment == "" {
			s.Deployment = "auto"
		}
	}
	c := &cfg.Calendar
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	if len(c.WorkingDays) == 0 {
		c.WorkingDays = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	if c.DayStart == "" {
		c.DayStart = "09:00"
	}
	if c.DayEnd == "" {
		c.DayEnd = "17:00"
	}
}
