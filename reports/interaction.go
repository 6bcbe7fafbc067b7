package reports

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"
)

// Interaction holds the chart data of how teams work together.
type Interaction struct {
	// WorkDayHours is the working day the *_hours values are counted in.
	WorkDayHours float64       `json:"work_day_hours"`
	ReviewWaits  []ReviewWaits `json:"review_waits"`
	// BySize is review pickup and review time per pull request size band.
	BySize          []SizeRow   `json:"review_by_size"`
	DependencyWaits []PairWait  `json:"dependency_waits"`
	Sprints         []SprintRow `json:"sprints"` // ended by the report's end
	// SprintsUnderWay had started and not ended by the report's end.
	SprintsUnderWay []SprintUnderWay `json:"sprints_under_way"`
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

// SprintRow is one ended sprint's commitment against its completion.
type SprintRow struct {
	Team      string `json:"team"`
	Sprint    string `json:"sprint"`
	End       string `json:"end"`
	Committed int    `json:"committed"`
	Completed int    `json:"completed"`
	Added     int    `json:"added"`
}

// SprintUnderWay is a sprint in progress at the report's end, with its
// numbers so far: nothing in it is missed or completed-in-sprint yet.
type SprintUnderWay struct {
	Team      string `json:"team"`
	Sprint    string `json:"sprint"`
	Start     string `json:"start"`
	End       string `json:"end"` // planned
	Committed int    `json:"committed"`
	Added     int    `json:"added"`     // after the start
	InSprint  int    `json:"in_sprint"` // items in it at the report's end
	Done      int    `json:"done"`      // of those, done so far
	// CommittedDone is how many of the committed items are done so far.
	CommittedDone int `json:"committed_done"`
	// DaysLeft is calendar days from the report's end to the planned end;
	// negative once the planned end has passed without the sprint closing.
	DaysLeft int `json:"days_left"`
}

func (m *model) interaction(ctx context.Context) error {
	in := &m.report.Interaction
	in.ReviewWaits, in.DependencyWaits, in.Sprints = []ReviewWaits{}, []PairWait{}, []SprintRow{}
	in.WorkDayHours = m.opts.Calendar.HoursPerDay()
	in.BySize = []SizeRow{}
	in.SprintsUnderWay = []SprintUnderWay{}
	for _, f := range []func(context.Context) error{m.reviewSizes, m.reviewWaits, m.dependencyWaits, m.sprints} {
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

// sprints keeps each team's last four sprints that ended by the report's
// end (completed by then), and the sprints under way at it, both from
// analysis' sprint_state as of the report's end.
func (m *model) sprints(ctx context.Context) error {
	return m.soft(ctx, "sprint commitment", m.sprintsQuery(ctx))
}

func (m *model) sprintsQuery(ctx context.Context) error {
	var n int
	if err := m.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_functions() WHERE function_name = 'sprint_state'`).Scan(&n); err != nil {
		return fmt.Errorf("sprint commitment: %w", err)
	}
	if n == 0 {
		m.notMeasured("sprint commitment: not measured: sprint_state is not in the store (run `systemic analyze` with this version)")
		return nil
	}
	if err := m.endedSprints(ctx); err != nil {
		return err
	}
	return m.sprintsUnderWay(ctx)
}

func (m *model) endedSprints(ctx context.Context) error {
	rows, err := m.db.QueryContext(ctx, `SELECT coalesce(team, 'no team'), coalesce(sprint, sprint_id), ended_at,
	committed, completed, added
FROM (SELECT *, row_number() OVER (PARTITION BY team ORDER BY ended_at DESC, sprint_id DESC) AS k
	FROM sprint_state(?::TIMESTAMPTZ) WHERE ended AND ended_at < ? AND ended_at >= ?)
WHERE k <= 4 ORDER BY team, ended_at, sprint`, m.end(), m.opts.To, m.opts.From.AddDate(0, -3, 0))
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

// sprintsUnderWay reads the sprints started and not ended at the report's
// end, leaving out forgotten ones planned to end before the three months
// the ended sprints are read from.
func (m *model) sprintsUnderWay(ctx context.Context) error {
	rows, err := m.db.QueryContext(ctx, `SELECT coalesce(team, 'no team'), coalesce(sprint, sprint_id), start_at, end_at,
	committed, added, in_sprint, done_so_far, committed_done_so_far
FROM sprint_state(?::TIMESTAMPTZ) WHERE under_way AND coalesce(end_at, start_at) >= ?
ORDER BY team, start_at, sprint`, m.end(), m.opts.From.AddDate(0, -3, 0))
	if err != nil {
		return fmt.Errorf("sprints under way: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s SprintUnderWay
		var start time.Time
		var end sql.NullTime
		if err := rows.Scan(&s.Team, &s.Sprint, &start, &end, &s.Committed, &s.Added, &s.InSprint, &s.Done, &s.CommittedDone); err != nil {
			return fmt.Errorf("sprints under way: %w", err)
		}
		s.Start = day(start)
		if end.Valid {
			s.End, s.DaysLeft = day(end.Time), daysBetween(m.end(), end.Time)
		}
		m.report.Interaction.SprintsUnderWay = append(m.report.Interaction.SprintsUnderWay, s)
	}
	return rows.Err()
}

// Left says how long the sprint has to go: "3 days left", "ends today",
// "2 days past its planned end".
func (s SprintUnderWay) Left() string {
	switch {
	case s.End == "":
		return "no planned end"
	case s.DaysLeft == 0:
		return "ends today"
	case s.DaysLeft < 0:
		return plural(-s.DaysLeft, "day", "days") + " past its planned end"
	}
	return plural(s.DaysLeft, "day", "days") + " left"
}

// SoFar is "21 of 31 done (18 of 29 committed)".
func (s SprintUnderWay) SoFar() string {
	return fmt.Sprintf("%d of %d done (%d of %d committed)", s.Done, s.InSprint, s.CommittedDone, s.Committed)
}

// daysBetween is the number of calendar days (UTC dates) from a to b.
func daysBetween(a, b time.Time) int {
	a, b = a.UTC(), b.UTC()
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(math.Round(db.Sub(da).Hours() / 24))
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
