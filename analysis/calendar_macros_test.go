package analysis_test

import (
	"context"
	"database/sql"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

func prepared(t *testing.T, env *analysis.Env) *sql.DB {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := analysis.Prepare(ctx, st.DB(), env); err != nil {
		t.Fatal(err)
	}
	return st.DB()
}

// 2026-11-02 is a Monday.
func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWorkHours(t *testing.T) {
	holiday, _ := config.ParseDate("2026-11-09")
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	tests := []struct {
		name string
		cal  config.Calendar
		a, b string
		want float64
	}{
		{"same day", config.Calendar{}, "2026-11-02 10:00", "2026-11-02 12:30", 2.5},
		{"before and after hours", config.Calendar{}, "2026-11-02 06:00", "2026-11-02 20:00", 8},
		{"overnight", config.Calendar{}, "2026-11-02 16:00", "2026-11-03 10:00", 2},
		{"over the weekend", config.Calendar{}, "2026-11-06 16:00", "2026-11-09 10:00", 2},
		{"inside the weekend", config.Calendar{}, "2026-11-07 09:00", "2026-11-08 18:00", 0},
		{"one week", config.Calendar{}, "2026-11-02 09:00", "2026-11-09 09:00", 40},
		{"end before start", config.Calendar{}, "2026-11-03 10:00", "2026-11-02 10:00", 0},
		{"holiday monday", config.Calendar{Holidays: []config.Date{holiday}}, "2026-11-06 16:00", "2026-11-10 10:00", 2},
		{"on the holiday", config.Calendar{Holidays: []config.Date{holiday}}, "2026-11-09 10:00", "2026-11-09 15:00", 0},
		{"short day", config.Calendar{DayStart: "10:00", DayEnd: "14:00"}, "2026-11-02 09:00", "2026-11-03 12:00", 6},
		{"weekend workers", config.Calendar{WorkingDays: []string{"Saturday", "sun"}}, "2026-11-06 09:00", "2026-11-09 09:00", 16},
		{"berlin", config.Calendar{Location: berlin}, "2026-11-02 07:00", "2026-11-02 17:00", 8},
		{"berlin summer", config.Calendar{Location: berlin}, "2026-07-06 07:00", "2026-07-06 15:00", 8},
		{"berlin before the table (ICU)", config.Calendar{Location: berlin}, "1985-07-01 07:00", "1985-07-01 15:00", 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := prepared(t, &analysis.Env{Calendar: tt.cal})
			var got float64
			if err := db.QueryRow("SELECT work_hours(?::TIMESTAMPTZ, ?::TIMESTAMPTZ)", at(tt.a), at(tt.b)).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("work_hours(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestWorkHoursNull(t *testing.T) {
	db := prepared(t, &analysis.Env{})
	var got sql.NullFloat64
	if err := db.QueryRow("SELECT work_hours(NULL::TIMESTAMPTZ, now())").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got.Valid {
		t.Errorf("work_hours(NULL, now) = %v, want NULL", got.Float64)
	}
}

// TestWorkHoursAgainstDayWalk checks the arithmetic against a plain walk
// over the days for random instants, in a zone with daylight saving.
func TestWorkHoursAgainstDayWalk(t *testing.T) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	hol, _ := config.ParseDate("2026-11-26")
	cal := config.Calendar{Location: loc, DayStart: "08:30", DayEnd: "17:00", Holidays: []config.Date{hol}}
	db := prepared(t, &analysis.Env{Calendar: cal})
	rng := rand.New(rand.NewPCG(1, 2))
	base := at("2026-10-01 00:00")
	for i := 0; i < 200; i++ {
		a := base.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		b := a.Add(time.Duration(rng.Int64N(int64(20 * 24 * time.Hour))))
		var got float64
		if err := db.QueryRow("SELECT work_hours(?::TIMESTAMPTZ, ?::TIMESTAMPTZ)", a, b).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := dayWalk(a, b, loc, hol.Time); math.Abs(got-want) > 1e-6 {
			t.Errorf("work_hours(%s, %s) = %v, want %v", a, b, got, want)
		}
	}
}

func dayWalk(a, b time.Time, loc *time.Location, holiday time.Time) float64 {
	a, b = a.In(loc), b.In(loc)
	var total time.Duration
	for d := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, loc); d.Before(b); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday ||
			(d.Year() == holiday.Year() && d.YearDay() == holiday.YearDay()) {
			continue
		}
		s := time.Date(d.Year(), d.Month(), d.Day(), 8, 30, 0, 0, loc)
		e := time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, loc)
		if a.After(s) {
			s = a
		}
		if b.Before(e) {
			e = b
		}
		if e.After(s) {
			total += e.Sub(s)
		}
	}
	return total.Hours()
}

func TestStateClass(t *testing.T) {
	states := config.States{Active: []string{"In Progress"}, Waiting: []string{"Ready for QA"},
		Decision: []string{"Awaiting Approval"}, Done: []string{"Won't Do"}}
	db := prepared(t, &analysis.Env{States: states})
	tests := []struct{ status, category, want string }{
		{"in progress", "indeterminate", "active"},
		{"READY FOR QA", "indeterminate", "waiting"},
		{"Awaiting Approval", "indeterminate", "decision"},
		{"Blocked", "indeterminate", "blocked"}, // default name list
		{"In Review", "indeterminate", "review"},
		{"Won't Do", "indeterminate", "done"},
		{"Backlog", "new", "new"},
		{"Closed", "done", "done"},
		{"Doing", "indeterminate", "active"},
		{"Mystery", "", "active"},
	}
	for _, tt := range tests {
		var got string
		if err := db.QueryRow("SELECT state_class(?, ?)", tt.status, tt.category).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("state_class(%q, %q) = %q, want %q", tt.status, tt.category, got, tt.want)
		}
	}
}
