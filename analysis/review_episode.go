package analysis

import (
	"context"
	"fmt"
	"time"
)

// reviewSpans reads, per reviewer (a person), the review requests made
// from the lookback's start to the window's end as waits: from the request
// (or ready for review, if later) to that reviewer's first review, open
// ones to now, with their pickup in working hours (v_review_waits, the
// registry's review pickup). Requests dropped unanswered are left out, as
// the window's median leaves them out. team is each reviewer's team at
// their latest request.
func reviewSpans(ctx context.Context, env *Env) (map[string][]span, map[string]string, error) {
	const q = `SELECT reviewer, coalesce(reviewer_team, ''), requested_at,
	CASE WHEN open THEN NULL ELSE requested_at + to_microseconds(CAST(wait_hours * 3600e6 AS BIGINT)) END,
	coalesce(work_hours, 0)
FROM v_review_waits
WHERE requested_at >= $1 AND requested_at < $2 AND reviewer NOT LIKE 'team:%' AND NOT coalesce(dropped, false)
ORDER BY reviewer, requested_at, key`
	spans := map[string][]span{}
	teams := map[string]string{}
	err := queryEach(ctx, env.DB, q, []any{lookbackFrom(env).UTC(), env.To.UTC()}, func(scan func(...any) error) error {
		var who, team string
		var start time.Time
		var end *time.Time
		var hours float64
		if err := scan(&who, &team, &start, &end, &hours); err != nil {
			return err
		}
		s := span{start: start, workHours: hours}
		if end != nil {
			s.end = *end
		}
		spans[who] = append(spans[who], s)
		if team != "" {
			teams[who] = team
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("review pickup per reviewer and week: %w", err)
	}
	return spans, teams, nil
}

// pickupEpisode raises f (a reviewer's finding) with the reviewer's
// pickup episode: at least warn, the weekly timeline in the evidence and
// when it started, peaked and ended in the summary.
func pickupEpisode(f *Finding, ep Episode, series []Point, weeks int, limitDays float64) {
	f.holdEpisode(ep, series, weeks, overScore(ep.Median, limitDays), fmt.Sprintf(
		"Reviews waiting on this person took a median above %s for %s from the week of %s, the slowest in the week of %s (%s working days); %s.",
		workingDays(limitDays), plural(ep.Periods, "week"), ep.Start.Format(time.DateOnly), ep.Peak.Format(time.DateOnly),
		num(ep.PeakValue), episodeEnd(ep)))
}

// pickupOnlyFinding is the finding of a reviewer whose pickup episode
// reaches into the window while too few of the window's own requests
// went to them to judge its median.
func pickupOnlyFinding(who, team string, requests int) Finding {
	return Finding{Pattern: "approval_bottleneck", Severity: Info, Team: team, SubjectKind: "person", Subject: who,
		Summary:  fmt.Sprintf("%s of the window went to this person.", plural(requests, "review request")),
		Evidence: Evidence{Values: map[string]float64{"requests": float64(requests)}, People: []string{who}}}
}

// workingDays says a number of working days ("1 working day", "2.5 working days").
func workingDays(d float64) string {
	if d == 1 {
		return "1 working day"
	}
	return num(d) + " working days"
}
