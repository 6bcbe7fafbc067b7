package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
	"github.com/systemic-dev/systemic/reports"
)

// window is an analysis window as the pages offer and link it.
type window struct {
	Value    string // the URL form: a run id such as 2026-10-01..2026-11-01
	Label    string // 2026-10, or 2026-10-01 to 2026-12-31
	From, To time.Time
	Selected bool
}

func newWindow(from, to time.Time) window {
	from, to = from.UTC(), to.UTC()
	w := window{Value: analysis.RunID(from, to), From: from, To: to}
	last := to.AddDate(0, 0, -1)
	switch {
	case from.Day() == 1 && to.Equal(from.AddDate(0, 1, 0)):
		w.Label = from.Format("2006-01")
	default:
		w.Label = from.Format(time.DateOnly) + " to " + last.Format(time.DateOnly)
	}
	return w
}

var runIDRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$`)

// analysed lists the windows the view holds an analysis of, latest run
// first.
func analysed(ctx context.Context, v *live.View) ([]window, error) {
	rows, err := v.DB.QueryContext(ctx, `SELECT from_ts, to_ts FROM runs
WHERE from_ts IS NOT NULL AND to_ts IS NOT NULL ORDER BY started_at DESC, run_id`)
	if err != nil {
		return nil, fmt.Errorf("read analysed periods: %w", err)
	}
	defer rows.Close()
	var out []window
	seen := map[string]bool{}
	for rows.Next() {
		var from, to time.Time
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("read analysed periods: %w", err)
		}
		w := newWindow(from, to)
		if !seen[w.Value] {
			seen[w.Value] = true
			out = append(out, w)
		}
	}
	return out, rows.Err()
}

// errNoAnalysis: the store holds no analysis to show.
var errNoAnalysis = errors.New("this database holds no analysis yet: run 'systemic report --period last-month' (or 'systemic analyze') first; systemic serve never writes to the store")

// pickWindow reads ?period=: a run id (2026-10-01..2026-11-01), anything
// `systemic query --period` takes (2026-10, 2026-W41, last-month), or
// nothing for the latest analysis.
func (s *Server) pickWindow(r *http.Request, all []window) (window, error) {
	p := strings.TrimSpace(r.URL.Query().Get("period"))
	var w window
	switch m := runIDRE.FindStringSubmatch(p); {
	case p == "":
		if len(all) == 0 {
			return w, errNoAnalysis
		}
		w = all[0]
	case m != nil:
		from, err1 := time.Parse(time.DateOnly, m[1])
		to, err2 := time.Parse(time.DateOnly, m[2])
		if err1 != nil || err2 != nil || !from.Before(to) {
			return w, fmt.Errorf("period %q: use FROM..TO dates (2026-10-01..2026-11-01, TO exclusive) or a period like 2026-10", p)
		}
		w = newWindow(from, to)
	default:
		from, to, err := query.Window(p, "", "", s.opts.Now())
		if err != nil {
			return w, fmt.Errorf("period %q: %v", p, err)
		}
		w = newWindow(from, to)
	}
	return w, nil
}

// reportCache holds the report models of one view, per window.
type reportCache struct {
	view *live.View
	asOf time.Time
	byID map[string]*reports.Report
	// db is the view's file opened again with one connection, on which
	// the analysis macros the reports' queries call exist as TEMP macros.
	db *sql.DB
}

// reportDB opens the cache's handle for v.
func (s *Server) reportDB(ctx context.Context, v *live.View) (*sql.DB, error) {
	c := &s.reports
	if c.db != nil {
		return c.db, nil
	}
	db, err := query.OpenSandbox(ctx, v.File)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c.db = db
	return db, nil
}

// facts are the TEMP macros and the derived facts that depend on the
// as-of time (analysis.WindowFacts), as of now or, for a window that ended
// before, its end: the copy's own hold the window analysed last, which
// may be any.
func (s *Server) facts(now time.Time, w window) []string {
	return analysis.WindowFacts(&analysis.Env{Thresholds: analysis.WithDefaults(s.opts.Thresholds), States: s.opts.States,
		Calendar: s.opts.Calendar, From: w.From, To: w.To, Now: now.UTC()})
}

// macros (re)creates the facts of window w on db's one connection, as the
// report command prepares the window it reads.
func (s *Server) macros(ctx context.Context, db *sql.DB, w window) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("reports: analysis macros: %w", err)
	}
	defer conn.Close()
	if err := query.Prepare(ctx, conn, s.facts(s.opts.Now(), w)); err != nil {
		return fmt.Errorf("reports: analysis macros: %w", err)
	}
	return nil
}

// report is the report model of window w over v, built once per view.
func (s *Server) report_(ctx context.Context, v *live.View, w window) (*reports.Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.reports
	if c.view != v || !c.asOf.Equal(v.AsOf) || len(c.byID) > 64 {
		if c.db != nil {
			c.db.Close()
		}
		*c = reportCache{view: v, asOf: v.AsOf, byID: map[string]*reports.Report{}}
	}
	if r, ok := c.byID[w.Value]; ok {
		return r, nil
	}
	db, err := s.reportDB(ctx, v)
	if err != nil {
		return nil, err
	}
	if err := s.macros(ctx, db, w); err != nil {
		return nil, err
	}
	// The view's people are already what the page may show (pseudonyms
	// in the copy, names in the snapshot): the report shows them as they
	// are. It reads what is stored and names what was not analysed.
	r, err := reports.Build(ctx, store.ReadOnlyOn(db, v.File), reports.Options{
		Plan: s.plan_(v), From: w.From, To: w.To, Period: w.Label, Names: true,
		Thresholds: s.opts.Thresholds, Calendar: s.opts.Calendar, Now: s.opts.Now().UTC(),
	})
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", w.Label, err)
	}
	c.byID[w.Value] = r
	return r, nil
}

// plan_ is the plan as the view sees people: decision owners written as
// person ids become the copy's pseudonyms, so they match its deciders.
func (s *Server) plan_(v *live.View) *config.Plan {
	p := s.opts.Plan
	if p == nil || v.People == nil || len(p.Decisions) == 0 {
		return p
	}
	cp := *p
	cp.Decisions = make([]config.DecisionRight, len(p.Decisions))
	for i, d := range p.Decisions {
		d.Owners = append([]string(nil), d.Owners...)
		for j, o := range d.Owners {
			if v.People.Known(o) {
				d.Owners[j] = v.People.Name(o)
			}
		}
		cp.Decisions[i] = d
	}
	return &cp
}
