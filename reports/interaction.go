package reports

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Interaction holds the chart data of how teams work together.
type Interaction struct {
	// WorkDayHours is the working day the *_hours values are counted in.
	WorkDayHours    float64       `json:"work_day_hours"`
	ReviewWaits     []ReviewWaits `json:"review_waits"`
	DependencyWaits []PairWait    `json:"dependency_waits"`
	Sprints         []SprintRow   `json:"sprints"`
}

// WaitBuckets name the review-wait distribution's buckets, in working
// time: hours and days of the configured calendar.
var WaitBuckets = []string{"< 4h", "4h–1d", "1–3d", "3–5d", "> 5d"}

// ReviewWaits is the distribution of review pickup waits for one reviewing
// team (the requested reviewer's team).
type ReviewWaits struct {
	Team    string `json:"team"`
	N       int    `json:"n"`
	Buckets []int  `json:"buckets"` // counts per WaitBuckets
	// P50Hours and P85Hours are the registry's review_pickup_p50_hours and
	// review_pickup_p85_hours of the window (working hours), the values
	// health and named questions show; null below min_sample.
	P50Hours *float64 `json:"p50_hours"`
	P85Hours *float64 `json:"p85_hours"`
}

// PairWait is how long items of one team waited on another's.
type PairWait struct {
	Waiting  string  `json:"waiting"`
	Blocking string  `json:"blocking"`
	Items    int     `json:"items"`
	Hours    float64 `json:"hours"`     // total, working hours
	P50Hours float64 `json:"p50_hours"` // per wait, working hours
}

// SprintRow is one sprint's commitment against its completion.
type SprintRow struct {
	Team      string `json:"team"`
	Sprint    string `json:"sprint"`
	End       string `json:"end"`
	Committed int    `json:"committed"`
	Completed int    `json:"completed"`
	Added     int    `json:"added"`
}

func (m *model) interaction(ctx context.Context) error {
	in := &m.report.Interaction
	in.ReviewWaits, in.DependencyWaits, in.Sprints = []ReviewWaits{}, []PairWait{}, []SprintRow{}
	in.WorkDayHours = m.opts.Calendar.HoursPerDay()
	for _, f := range []func(context.Context) error{m.reviewWaits, m.dependencyWaits, m.sprints} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (m *model) end() time.Time { return m.asOf }

func (m *model) reviewWaits(ctx context.Context) error {
	return m.soft(ctx, "review waits", m.reviewWaitsQuery(ctx))
}

func (m *model) reviewWaitsQuery(ctx context.Context) error {
	if _, ok := m.need("v_review_waits", "review waits"); !ok {
		return nil
	}
	rows, err := m.db.QueryContext(ctx, `WITH w AS (SELECT coalesce(reviewer_team, 'no team') AS team,
	coalesce(work_hours, work_hours(requested_at, ?::TIMESTAMPTZ)) AS h
	FROM v_review_waits WHERE requested_at >= ? AND requested_at < ? AND NOT coalesce(dropped, false)), d AS (SELECT ?::DOUBLE AS day)
SELECT team, count(*), count(*) FILTER (WHERE h < 4), count(*) FILTER (WHERE h >= 4 AND h < day),
	count(*) FILTER (WHERE h >= day AND h < 3 * day), count(*) FILTER (WHERE h >= 3 * day AND h < 5 * day),
	count(*) FILTER (WHERE h >= 5 * day), p50.value, p85.value
FROM w, d LEFT JOIN metrics p50 ON p50.run_id = ? AND p50.scope_kind = 'team' AND p50.scope = team
	AND p50.metric = 'review_pickup_p50_hours' AND p50.period = 'all'
LEFT JOIN metrics p85 ON p85.run_id = ? AND p85.scope_kind = 'team' AND p85.scope = team
	AND p85.metric = 'review_pickup_p85_hours' AND p85.period = 'all'
GROUP BY ALL ORDER BY team`, m.end(), m.opts.From, m.opts.To, m.opts.Calendar.HoursPerDay(), m.runID, m.runID)
	if err != nil {
		return fmt.Errorf("review waits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r := ReviewWaits{Buckets: make([]int, len(WaitBuckets))}
		if err := rows.Scan(&r.Team, &r.N, &r.Buckets[0], &r.Buckets[1], &r.Buckets[2], &r.Buckets[3], &r.Buckets[4],
			&r.P50Hours, &r.P85Hours); err != nil {
			return fmt.Errorf("review waits: %w", err)
		}
		m.report.Interaction.ReviewWaits = append(m.report.Interaction.ReviewWaits, r)
	}
	return rows.Err()
}

func (m *model) dependencyWaits(ctx context.Context) error {
	return m.soft(ctx, "dependency waits", m.dependencyWaitsQuery(ctx))
}

func (m *model) dependencyWaitsQuery(ctx context.Context) error {
	if _, ok := m.need("v_dependency_waits", "dependency waits"); !ok {
		return nil
	}
	rows, err := m.db.QueryContext(ctx, `WITH w AS (SELECT coalesce(waiting_team, 'no team') AS waiting,
	coalesce(blocker_team, 'no team') AS blocking, waiting_key,
	coalesce(work_hours, work_hours(start_at, ?::TIMESTAMPTZ)) AS h
	FROM v_dependency_waits WHERE start_at < ? AND coalesce(end_at, ?::TIMESTAMPTZ) >= ?)
SELECT waiting, blocking, count(DISTINCT waiting_key), sum(h), quantile_cont(h, 0.5)
FROM w WHERE waiting <> blocking GROUP BY waiting, blocking ORDER BY waiting, blocking`,
		m.end(), m.opts.To, m.end(), m.opts.From)
	if err != nil {
		return fmt.Errorf("dependency waits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p PairWait
		if err := rows.Scan(&p.Waiting, &p.Blocking, &p.Items, &p.Hours, &p.P50Hours); err != nil {
			return fmt.Errorf("dependency waits: %w", err)
		}
		p.Hours, p.P50Hours = round(p.Hours, 1), round(p.P50Hours, 1)
		m.report.Interaction.DependencyWaits = append(m.report.Interaction.DependencyWaits, p)
	}
	return rows.Err()
}

// sprints keeps each team's last four sprints that ended by the report's end.
func (m *model) sprints(ctx context.Context) error {
	return m.soft(ctx, "sprint commitment", m.sprintsQuery(ctx))
}

func (m *model) sprintsQuery(ctx context.Context) error {
	if _, ok := m.need("v_sprint_commitment", "sprint commitment"); !ok {
		return nil
	}
	rows, err := m.db.QueryContext(ctx, `SELECT coalesce(team, 'no team'), coalesce(sprint, sprint_id), end_at,
	coalesce(committed, 0), coalesce(completed, 0), coalesce(added, 0)
FROM (SELECT *, row_number() OVER (PARTITION BY team ORDER BY end_at DESC, sprint_id DESC) AS k
	FROM v_sprint_commitment WHERE end_at IS NOT NULL AND end_at < ? AND end_at >= ?)
WHERE k <= 4 ORDER BY team, end_at, sprint`, m.opts.To, m.opts.From.AddDate(0, -3, 0))
	if err != nil {
		return fmt.Errorf("sprint commitment: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s SprintRow
		var end time.Time
		if err := rows.Scan(&s.Team, &s.Sprint, &end, &s.Committed, &s.Completed, &s.Added); err != nil {
			return fmt.Errorf("sprint commitment: %w", err)
		}
		s.End = day(end)
		m.report.Interaction.Sprints = append(m.report.Interaction.Sprints, s)
	}
	return rows.Err()
}

// teamsOf lists the distinct teams of rows, sorted.
func teamsOf[T any](rows []T, team func(T) []string) []string {
	seen := map[string]bool{}
	for _, r := range rows {
		for _, t := range team(r) {
			seen[t] = true
		}
	}
	var ts []string
	for t := range seen {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	return ts
}
