package plandraft

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/internal/config"
)

// DefaultDecisionWords are the status and label name parts that mark a
// decision point when Options.DecisionWords is empty.
var DefaultDecisionWords = []string{"approval", "decision", "sign-off", "signoff"}

// Options say what to draft from.
type Options struct {
	// Teams are the config's team names; items of other teams are left out.
	Teams []string
	// Thresholds give the agreements' starting targets and decisions' SLA.
	Thresholds config.Thresholds
	// DecisionStates are the config's states.decision, always decision points.
	DecisionStates []string
	// DecisionWords mark further statuses and labels as decision points
	// (case-insensitive substrings); empty: DefaultDecisionWords.
	DecisionWords []string
	// AsOf is the draft's date; zero: the newest update in the store.
	AsOf time.Time
	// Recent is how far back finished work still counts as current (an epic
	// done within it is drafted); zero: 90 days.
	Recent time.Duration
}

// Entry is one drafted plan entry: its YAML (one flow mapping) and where it
// came from.
type Entry struct {
	ID     string
	Key    string // what makes two entries the same (epic key, team pair, state and project)
	YAML   string
	Source string
}

// Draft is a drafted plan.
type Draft struct {
	From, To     time.Time
	Goals        []Entry
	Dependencies []Entry
	Decisions    []Entry
	Agreements   []Entry
}

// Build drafts a plan from the store behind db.
func Build(ctx context.Context, db *sql.DB, opts Options) (*Draft, error) {
	if opts.Recent <= 0 {
		opts.Recent = 90 * 24 * time.Hour
	}
	if len(opts.DecisionWords) == 0 {
		opts.DecisionWords = DefaultDecisionWords
	}
	if opts.AsOf.IsZero() {
		var last sql.NullTime
		if err := db.QueryRowContext(ctx, `SELECT max(updated_at) FROM items`).Scan(&last); err != nil {
			return nil, fmt.Errorf("plan draft: newest item: %w", err)
		}
		if !last.Valid {
			return nil, fmt.Errorf("plan draft: the store holds no items (run 'systemic sync' first)")
		}
		opts.AsOf = last.Time
	}
	from := time.Date(opts.AsOf.Year(), opts.AsOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	d := &Draft{From: from, To: from.AddDate(0, 3, -1)}
	b := &builder{db: db, opts: opts, draft: d, ids: map[string]bool{}}
	for _, step := range []func(context.Context) error{b.goals, b.milestones, b.dependencies, b.decisions} {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("plan draft: %w", err)
		}
	}
	b.agreements()
	return d, nil
}

type builder struct {
	db    *sql.DB
	opts  Options
	draft *Draft
	ids   map[string]bool
}

// teamOK reports whether team is one of the config's (any team when the
// config names none).
func (b *builder) teamOK(team string) bool {
	if team == "" {
		return false
	}
	if len(b.opts.Teams) == 0 {
		return true
	}
	for _, t := range b.opts.Teams {
		if t == team {
			return true
		}
	}
	return false
}

var nonID = regexp.MustCompile(`[^a-z0-9]+`)

// id makes a unique plan id from parts.
func (b *builder) id(parts ...string) string {
	base := strings.Trim(nonID.ReplaceAllString(strings.ToLower(strings.Join(parts, "-")), "-"), "-")
	if base == "" {
		base = "entry"
	}
	id := base
	for n := 2; b.ids[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	b.ids[id] = true
	return id
}

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// q quotes s as a YAML double-quoted scalar.
func q(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&sb, "\\x%02x", r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// list is a YAML flow sequence of quoted strings.
func list(vs []string) string {
	qs := make([]string, len(vs))
	for i, v := range vs {
		qs[i] = q(v)
	}
	return "[" + strings.Join(qs, ", ") + "]"
}
