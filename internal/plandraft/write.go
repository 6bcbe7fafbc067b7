package plandraft

import (
	"fmt"
	"strings"
	"time"
)

// agreements drafts one working agreement per measurable metric with the
// config's threshold as its starting target.
func (b *builder) agreements() {
	t := b.opts.Thresholds
	add := func(metric, title, target, source string) {
		id := b.id(strings.ReplaceAll(metric, "_", "-"))
		b.draft.Agreements = append(b.draft.Agreements, Entry{ID: id, Key: metric,
			YAML:   fmt.Sprintf("{id: %s, title: %s, metric: %s, target: %s}", id, q(title), metric, target),
			Source: "starting target from the config's thresholds." + source + "; change it to what the teams agree"})
	}
	add("review_pickup", "Reviews picked up within "+t.ReviewPickup.String(), t.ReviewPickup.String(), "review_pickup")
	add("wip_per_person", fmt.Sprintf("At most %d items in progress per person", t.WIPPerPerson), fmt.Sprint(t.WIPPerPerson), "wip_per_person")
	add("blocked_time", "Nothing blocked for more than "+t.BlockedMax.String(), t.BlockedMax.String(), "blocked")
	id := b.id("unreviewed-merges")
	b.draft.Agreements = append(b.draft.Agreements, Entry{ID: id, Key: "unreviewed_merges",
		YAML:   fmt.Sprintf(`{id: %s, title: "Every merge reviewed", metric: unreviewed_merges, target: 0}`, id),
		Source: "every merge reviewed by someone other than its author; change it to what the teams agree"})
	add("carry_over", fmt.Sprintf("Work carried over at most %d sprint%s", t.CarryOver, map[bool]string{true: "s"}[t.CarryOver != 1]), fmt.Sprint(t.CarryOver), "carry_over")
}

// YAML renders the draft as a commented plan.yaml.
func (d *Draft) YAML() []byte {
	var b strings.Builder
	b.WriteString("# Plan drafted by 'systemic plan init' from what the store holds.\n")
	b.WriteString("# Every entry says where it came from. Read it with the teams: keep what they\n")
	b.WriteString("# stand behind, set real due dates, delete the rest. 'systemic validate --plan'\n")
	b.WriteString("# checks it.\n")
	fmt.Fprintf(&b, "period: {from: %s, to: %s}\n", date(d.From), date(d.To))
	d.writeSections(&b)
	return []byte(b.String())
}

func (d *Draft) writeSections(b *strings.Builder) {
	section := func(name string, es []Entry, none string) {
		if len(es) == 0 {
			fmt.Fprintf(b, "# %s: none drafted (%s)\n", name, none)
			return
		}
		b.WriteString(name + ":\n")
		for _, e := range es {
			fmt.Fprintf(b, "  # %s\n  - %s\n", e.Source, e.YAML)
		}
	}
	section("goals", d.Goals, "no open epics or milestones with work in them")
	section("dependencies", d.Dependencies, "no 'blocks' links between teams")
	section("decisions", d.Decisions, "no status looks like a decision point; see --decision-words")
	section("agreements", d.Agreements, "none")
}

// Empty reports whether the draft has no entries.
func (d *Draft) Empty() bool {
	return len(d.Goals)+len(d.Dependencies)+len(d.Decisions)+len(d.Agreements) == 0
}

// Snippet renders only the sections, for appending to a plan by hand.
func (d *Draft) Snippet() []byte {
	var b strings.Builder
	d.writeSections(&b)
	return []byte(b.String())
}

// Skeleton is a plan with no tracker data: the period from opts.AsOf and
// the agreements at the config's thresholds, for a team writing its goals
// by hand.
func Skeleton(opts Options) *Draft {
	from := opts.AsOf.UTC()
	from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	d := &Draft{From: from, To: from.AddDate(0, 3, -1)}
	b := &builder{opts: opts, draft: d, ids: map[string]bool{}}
	b.agreements()
	return d
}
