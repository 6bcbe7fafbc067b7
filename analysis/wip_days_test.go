package analysis_test

import (
	"context"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/benchstore"
	"github.com/systemic-dev/systemic/internal/config"
)

// spreadWIP is v_wip by its definition, spreading every stretch of
// v_wip_spans over the UTC days it touches: the oracle the sweep over
// v_wip_ranges must match row for row.
const spreadWIP = `WITH days AS (
	SELECT person, item_id, unnest(generate_series(make_timestamp(epoch_us(start_at))::DATE,
		make_timestamp(epoch_us(coalesce(end_at, env_now())))::DATE, INTERVAL 1 DAY))::DATE AS day
	FROM v_wip_spans WHERE start_at <= env_now()
),
counted AS (SELECT person, day, count(DISTINCT item_id) AS items FROM days GROUP BY ALL),
teams AS (
	SELECT c.person, c.day, min(m.team) AS team FROM counted c JOIN team_members m ON m.person_id = c.person
		AND (m.since IS NULL OR make_timestamp(epoch_us(m.since))::DATE <= c.day)
		AND (m.until IS NULL OR make_timestamp(epoch_us(m.until))::DATE > c.day)
	GROUP BY ALL
)
SELECT c.person, coalesce(t.team, p.team) AS team, c.day, c.items
FROM counted c LEFT JOIN teams t USING (person, day) LEFT JOIN v_people p ON p.person_id = c.person`

// TestWIPMatchesDaySpread checks v_wip against spreadWIP on the benchmark
// organisation, with some people moving team, for as-of times at midnight, within a day, months back
// (stretches ended after it count through their end) and past the data.
func TestWIPMatchesDaySpread(t *testing.T) {
	st := benchStore(t, 0.05)
	ctx := context.Background()
	// A tenth of the people move team on a date, so the team of a day
	// follows dated memberships for them and their one team for the rest.
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO team_members
SELECT 't' || ((i + 1) % 20), 'p' || i, TIMESTAMPTZ '2026-03-01 10:00:00+00', NULL FROM range(0, 500, 10) r(i);
UPDATE team_members SET until = TIMESTAMPTZ '2026-03-01 10:00:00+00'
WHERE since IS NULL AND CAST(substr(person_id, 2) AS INTEGER) % 10 = 0`); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{
		benchstore.Start.AddDate(1, 0, 0),
		benchstore.Start.AddDate(0, 6, 14).Add(13*time.Hour + 30*time.Minute),
		benchstore.Start.AddDate(0, 2, 0),
		benchstore.Start.AddDate(1, 1, 0),
	} {
		env := analysis.Env{From: now.AddDate(0, 0, -90), To: now, Now: now, Calendar: config.Calendar{Timezone: "UTC"}}
		if err := analysis.Prepare(ctx, st.DB(), &env); err != nil {
			t.Fatal(err)
		}
		var rows, extra, missing int
		err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM v_wip),
	(SELECT count(*) FROM (SELECT * FROM v_wip EXCEPT ALL (`+spreadWIP+`))),
	(SELECT count(*) FROM ((`+spreadWIP+`) EXCEPT ALL SELECT * FROM v_wip))`).Scan(&rows, &extra, &missing)
		if err != nil {
			t.Fatal(err)
		}
		if rows == 0 || extra+missing > 0 {
			t.Errorf("as of %s: v_wip has %d rows, %d not in the day spread, %d of it missing", now, rows, extra, missing)
		}
	}
}
