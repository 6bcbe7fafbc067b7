package synth

import "time"

// Planted behaviour is bounded in time: each family below behaves badly
// only during its stretch, and the generator draws the same team's work
// from healthy rates before and after it. The silo is not bounded: who
// knows a repository is a standing structure, not a stretch of behaviour,
// and its analysis judges the window as a whole.
//
// Placement varies with the seed (family i of seed s: (s+i) mod 3):
//   - ended: the stretch ends a month and four weeks before the end, so
//     "last month" must stay quiet about it once it has settled;
//   - ongoing: the stretch runs to the simulated now;
//   - middle: the stretch starts a quarter into the history, inside the
//     whole period and, for histories of seven months or more, before the
//     last quarter.
//
// Lengths are six to eight weeks. The ground truth does not copy these
// intended bounds: it records the span the generator actually produced
// (first to last planted event, see truth.go), which runs past the
// intended end while work started inside it is still under way.

const (
	famBottleneck = "approval_bottleneck"
	famStalled    = "stalled_commitment"
	famDependency = "dependency_delay"
	famDecision   = "decision_latency"
	famHandoff    = "handoff_churn"
	famWIP        = "wip_overload"
	famUnreviewed = "ownership_gap"
	famScope      = "scope_churn"
)

// boundedFamilies are the families planted as stretches, in placement order.
var boundedFamilies = []string{famBottleneck, famStalled, famDependency, famDecision, famHandoff, famWIP, famUnreviewed, famScope}

// Placement kinds.
const (
	placeEnded = iota
	placeOngoing
	placeMiddle
)

var placeNames = []string{"ended", "ongoing", "middle"}

// stretch is the intended period [from, to) of one family's behaviour.
type stretch struct {
	from, to time.Time
	place    int
}

func (s stretch) has(t time.Time) bool { return !t.Before(s.from) && t.Before(s.to) }

// planStretches places every bounded family's stretch for spec s.
func planStretches(s Spec) map[string]stretch {
	start, end := s.Start(), s.End
	out := map[string]stretch{}
	for i, fam := range boundedFamilies {
		place := int((s.Seed + uint64(i)) % 3)
		length := time.Duration(6+(s.Seed+2*uint64(i))%3) * 7 * 24 * time.Hour
		var from time.Time
		switch place {
		case placeEnded:
			from = end.AddDate(0, -1, -28).Add(-length)
		case placeOngoing:
			from = end.Add(-length)
		default:
			from = start.Add(end.Sub(start) / 4)
		}
		from = mondayOnOrAfter(maxTime(from, start))
		to := minTime(from.Add(length), end)
		if place == placeOngoing {
			to = end
		}
		out[fam] = stretch{from: from, to: to, place: place}
	}
	return out
}

func mondayOnOrAfter(t time.Time) time.Time {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// in says whether the planted behaviour of family fam runs at t.
func (g *gen) in(fam string, t time.Time) bool { return g.stretches[fam].has(t) }

// span is the first and last instant of a family's planted behaviour as
// the generator produced it, cut at the end of the history.
type span struct{ from, to time.Time }

func (s *span) add(from, to time.Time) {
	if from.IsZero() || to.Before(from) {
		return
	}
	if s.from.IsZero() || from.Before(s.from) {
		s.from = from
	}
	if to.After(s.to) {
		s.to = to
	}
}

// join is the span covering both s and o.
func (s span) join(o span) span {
	s.add(o.from, o.to)
	return s
}
