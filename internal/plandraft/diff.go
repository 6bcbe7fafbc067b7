package plandraft

import (
	"strconv"

	"github.com/systemic-dev/systemic/internal/config"
)

// NewSince returns the entries of d that plan p does not hold yet: goals on
// epics or milestones no goal selects, dependencies between teams p has
// none for, decision points p does not match, agreements on metrics p
// does not name. Drafted ids that clash with p's get a suffix.
func (d *Draft) NewSince(p *config.Plan) *Draft {
	have := map[string]bool{}
	ids := map[string]bool{}
	for _, g := range p.Goals {
		ids[g.ID] = true
		for _, e := range g.Scope.Epics {
			have["epic "+e] = true
		}
		for _, m := range g.Scope.Milestones {
			have["milestone "+m] = true
		}
	}
	for _, dep := range p.Dependencies {
		ids[dep.ID] = true
		have[dep.From+" -> "+dep.To] = true
	}
	for _, r := range p.Decisions {
		ids[r.ID] = true
		for _, s := range r.Match.States {
			if len(r.Match.Projects) == 0 {
				have[s+" | *"] = true
			}
			for _, pr := range r.Match.Projects {
				have[s+" | "+pr] = true
			}
		}
	}
	for _, a := range p.Agreements {
		ids[a.ID] = true
		have[a.Metric] = true
	}
	out := &Draft{From: d.From, To: d.To}
	out.Goals = fresh(d.Goals, have, ids)
	out.Dependencies = fresh(d.Dependencies, have, ids)
	out.Decisions = fresh(d.Decisions, have, ids)
	out.Agreements = fresh(d.Agreements, have, ids)
	return out
}

func fresh(es []Entry, have, ids map[string]bool) []Entry {
	var out []Entry
	for _, e := range es {
		if have[e.Key] || have[stateAny(e.Key)] {
			continue
		}
		if ids[e.ID] {
			e = renamed(e, ids)
		}
		ids[e.ID] = true
		out = append(out, e)
	}
	return out
}

// stateAny is a decision key's state with any project.
func stateAny(key string) string {
	for i := range len(key) - 2 {
		if key[i:i+3] == " | " {
			return key[:i] + " | *"
		}
	}
	return ""
}

// renamed gives e the first free id with a numeric suffix.
func renamed(e Entry, ids map[string]bool) Entry {
	base := e.ID
	for n := 2; ; n++ {
		id := base + "-" + strconv.Itoa(n)
		if !ids[id] {
			e.YAML = "{id: " + id + e.YAML[len("{id: ")+len(base):]
			e.ID = id
			return e
		}
	}
}
