package analysis

import (
	"context"
	"fmt"
	"time"
)

// carryShareLimit is the share of a sprint's commitment carried over at
// its close above which the sprint counts toward a carry-over episode (the
// warn level of stalled_commitment).
const carryShareLimit = 0.2

// carrySprintSQL is, per team and sprint that ended from $1 to $2, the
// items committed to it and the items carried over at its close.
const carrySprintSQL = `SELECT team, ended_at, committed, carried_over FROM v_sprint_commitment
WHERE ended AND team IS NOT NULL AND committed > 0 AND ended_at >= $1 AND ended_at < $2
ORDER BY team, ended_at`

// carrySeries reads, per team, one point per ended sprint: the share of
// its commitment carried over at its close, from the lookback's start to
// the window's end.
func carrySeries(ctx context.Context, env *Env) (map[string][]Point, error) {
	out := map[string][]Point{}
	err := queryEach(ctx, env.DB, carrySprintSQL, []any{lookbackFrom(env).UTC(), env.To.UTC()},
		func(scan func(...any) error) error {
			var team string
			var at time.Time
			var committed, carried int
			if err := scan(&team, &at, &committed, &carried); err != nil {
				return err
			}
			out[team] = append(out[team], Point{At: at.UTC(), Value: round2(min(1, float64(carried)/float64(committed)))})
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("carry-over per sprint: %w", err)
	}
	return out, nil
}

// carryEpisodes raises or adds a stalled_commitment finding for each team
// that carried more than carryShareLimit of its commitment over for more
// sprints in a row than the carry-over agreement allows (limit, at least
// two; one sprint below joined), reaching into the window.
func carryEpisodes(ctx context.Context, env *Env, limit int, res *Result) error {
	series, err := carrySeries(ctx, env)
	if err != nil {
		return err
	}
	at := map[string]int{}
	for i, f := range res.Findings {
		at[f.Team] = i
	}
	for _, team := range sortedKeys(series) {
		s := series[team]
		ep, ok := worst(findEpisodes(s, carryShareLimit, max(2, limit+1), 1, env.From, env.To))
		if !ok {
			continue
		}
		ep.Unit = "sprint"
		inWindow := 0
		for _, p := range s {
			if !p.At.Before(env.From) {
				inWindow++
			}
		}
		text := fmt.Sprintf("More than %.0f%% of the commitment carried over for %s in a row (the agreement allows %s): from the sprint ending %s, the worst ending %s at %.0f%%; %s.",
			carryShareLimit*100, plural(ep.Periods, "sprint"), plural(limit, "sprint"), ep.Start.Format(time.DateOnly),
			ep.Peak.Format(time.DateOnly), ep.PeakValue*100, episodeEnd(ep))
		i, found := at[team]
		if !found {
			res.Findings = append(res.Findings, Finding{Pattern: "stalled_commitment", Severity: Info, Team: team,
				SubjectKind: "team", Subject: team, Evidence: Evidence{Values: map[string]float64{}}})
			i = len(res.Findings) - 1
		}
		f := &res.Findings[i]
		// A carry that is one person's load stays info and points at them.
		if !(found && f.Severity == Info && len(f.Evidence.People) > 0) {
			f.Severity = atLeast(f.Severity, episodeSeverity(ep, inWindow))
		}
		f.Score = max(f.Score, round2(min(1, 2*ep.Median)))
		f.Summary = joinSentences(f.Summary, text)
		f.Evidence.Episode, f.Evidence.Timeline = &ep, s
		f.Evidence.Values["carry_episode_sprints"] = float64(ep.Periods)
	}
	return nil
}

// episodeEnd says when an episode ended or that it goes on.
func episodeEnd(e Episode) string {
	if e.Ongoing {
		return "still going on"
	}
	return "ended " + e.End.Format(time.DateOnly)
}

// holdEpisode raises f to at least its episode's severity (windowPeriods:
// the window's length in the series' periods), keeps the stronger score,
// records the episode with its timeline and adds sentence to the summary.
func (f *Finding) holdEpisode(ep Episode, timeline []Point, windowPeriods int, score float64, sentence string) {
	f.Severity = atLeast(f.Severity, episodeSeverity(ep, windowPeriods))
	f.Score = max(f.Score, score)
	f.Evidence.Episode, f.Evidence.Timeline = &ep, timeline
	if f.Evidence.Values == nil {
		f.Evidence.Values = map[string]float64{}
	}
	f.Evidence.Values["episode_weeks"] = float64(ep.Periods)
	f.Summary = joinSentences(f.Summary, sentence)
}

// teamFinding returns res's finding about team (at indexes them), adding
// the one blank makes when there is none.
func teamFinding(res *Result, at map[string]int, team string, blank func() (Finding, error)) (*Finding, error) {
	if i, ok := at[team]; ok {
		return &res.Findings[i], nil
	}
	f, err := blank()
	if err != nil {
		return nil, err
	}
	res.Findings = append(res.Findings, f)
	at[team] = len(res.Findings) - 1
	return &res.Findings[len(res.Findings)-1], nil
}

// findingsByTeam indexes res's findings by team.
func findingsByTeam(res *Result) map[string]int {
	at := map[string]int{}
	for i, f := range res.Findings {
		at[f.Team] = i
	}
	return at
}

func joinSentences(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
