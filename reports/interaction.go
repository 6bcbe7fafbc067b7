package reports

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Interaction holds the chart data of how teams work together.
type Interaction struct {
	ReviewWaits     []ReviewWaits `json:"review_waits"`
	DependencyWaits []PairWait    `json:"dependency_waits"`
	Sprints         []SprintRow   `json:"sprints"`
}

// WaitBuckets name the review-wait distribution's buckets.
var WaitBuckets = []string{"< 4h", "4–24h", "1–3d", "3–7d", "> 7d"}

// ReviewWaits is the distribution of review pickup waits for one reviewing
// team (the requested reviewer's team).
type ReviewWaits struct {
	Team     string  `json:"team"`
	N        int     `json:"n"`
	Buckets  []int   `json:"buckets"` // counts per WaitBuckets
	P50Hours float64 `json:"p50_hours"`
	P85Hours float64 `json:"p85_hours"`
}

// PairWait is how long items of one team waited on another's.
type PairWait struct {
	Waiting  string  `json:"waiting"`
	Blocking string  `json:"blocking"`
	Items    int     `json:"items"`
	Hours    float64 `json:"hours"`     // total
	P50Hours float64 `json:"p50_hours"` // per wait
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
	coalesce(wait_hours, (epoch(?::TIMESTAMPTZ) - epoch(requested_at)) / 3600) AS h
	FROM v_review_waits WHERE requested_at >= ? AND requested_at < ?)
SELECT team, count(*), count(*) FILTER (WHERE h < 4), count(*) FILTER (WHERE h >= 4 AND h < 24),
	count(*) FILTER (WHERE h >= 24 AND h < 72), count(*) FILTER (WHERE h >= 72 AND h < 168),
	count(*) FILTER (WHERE h >= 168), quantile_cont(h, 0.5), quantile_cont(h, 0.85)
FROM w GROUP BY team ORDER BY team`, m.end(), m.opts.From, m.opts.To)
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
		r.P50Hours, r.P85Hours = round(r.P50Hours, 1), round(r.P85Hours, 1)
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
	coalesce(hours, (epoch(?::TIMESTAMPTZ) - epoch(start_at)) / 3600) AS h
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
