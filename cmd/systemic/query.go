package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/query"
	"github.com/systemic-dev/systemic/internal/store"
)

type queryFlags struct {
	list, views, showSQL, names bool
	team, period, from, to      string
	pattern, format, metric     string
	limit                       int
}

func newQueryCmd(a *app) *cobra.Command {
	var f queryFlags
	cmd := &cobra.Command{
		Use:   "query [QUESTION | \"SQL\"]",
		Short: "Answer named questions or run read-only SQL over the documented views",
		Long: `query answers the questions a leader asks without writing SQL (see --list), or runs one
read-only SQL statement over the store's tables and the documented views (see --views).

Queries run sandboxed: the database is opened read-only, on its own DuckDB instance with
file, network and extension access off and its settings locked, so read_csv, glob,
ATTACH, COPY, https:// or s3:// paths, INSTALL, LOAD, SET and PRAGMA are not allowed
(exit 2). 'systemic export' writes files.

People appear as stable pseudonyms (person-N, the numbering of the reports) unless
--names is given or the config sets privacy.names. Without names, a query opens only
a pseudonymised copy of the database (NAME.pseudonymised.duckdb beside it, rewritten
when the database changed), in which every name, email, login and account id is
already replaced: no expression can reach a real one. Times print in RFC 3339 UTC;
durations are working hours unless a column says days.

SQL that starts with a comment is taken as SQL. To be explicit, put it after "--":
systemic query --format csv -- "-- weekly load
SELECT ...".`,
		Example: `  systemic query --list
  systemic query review-load --team platform --period last-month
  systemic query findings --pattern approval_bottleneck --format markdown
  systemic query health-trend --show-sql
  systemic query trend --metric review_pickup_p85 --team platform
  systemic query --views
  systemic query "SELECT team, count(*) FROM v_items GROUP BY team" --format csv
  systemic query --format csv -- "-- items per team
SELECT team, count(*) FROM v_items GROUP BY team"`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runQuery(cmd, args, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.list, "list", false, "list the named questions")
	fl.BoolVar(&f.views, "views", false, "list the documented views with their meaning and columns")
	fl.StringVar(&f.team, "team", "", "only this team")
	fl.StringVar(&f.period, "period", "", periodUsage)
	fl.StringVar(&f.from, "from", "", "window start date (YYYY-MM-DD)")
	fl.StringVar(&f.to, "to", "", "window end date, inclusive (YYYY-MM-DD)")
	fl.IntVar(&f.limit, "limit", -1, "at most this many rows (0: all; default: the question's own)")
	fl.StringVar(&f.pattern, "pattern", "", "findings: only this pattern family")
	fl.StringVar(&f.metric, "metric", "", "trend: the registry metric (review_pickup_p85 or review_pickup_p85_hours)")
	fl.BoolVar(&f.showSQL, "show-sql", false, "print the question's SQL and parameters instead of running it")
	fl.StringVar(&f.format, "format", "table", "output: "+strings.Join(query.Formats, ", "))
	fl.BoolVar(&f.names, "names", false, "show people by their ids instead of pseudonyms")
	return cmd
}

func (a *app) runQuery(cmd *cobra.Command, args []string, f queryFlags) error {
	if !slices.Contains(query.Formats, f.format) {
		return usageError("--format %q: use %s", f.format, strings.Join(query.Formats, ", "))
	}
	if f.list {
		return query.Write(a.stdout, query.QuestionsResult(), f.format, a.termWidth())
	}
	if len(args) == 0 && !f.views {
		return usageError("name a question (systemic query --list shows them), give SQL in quotes, or use --views")
	}
	var q query.Question
	var text string
	if !f.views {
		var err error
		if q, text, err = pickQuestion(cmd, args); err != nil {
			return err
		}
	}
	var params query.Params
	if q.Name != "" {
		var err error
		if params, err = a.questionParams(cmd, q, f); err != nil {
			return err
		}
		if f.showSQL {
			_, err := fmt.Fprint(a.stdout, q.ShowSQL(params))
			return err
		}
	}
	db, err := a.openQueryDB(cmd.Context(), f.names)
	if err != nil {
		return err
	}
	defer db.Close()
	if f.views {
		return a.writeViews(cmd.Context(), db, f.format)
	}
	if err := knownTeam(cmd.Context(), db, params.Team); err != nil {
		return err
	}
	var res *query.Result
	if q.Name != "" {
		res, err = query.Run(cmd.Context(), db, q, params, a.factsAsOf(params.Now)...)
	} else {
		res, err = query.RunSQL(cmd.Context(), db, text, a.factsAsOf(a.now())...)
	}
	if errors.Is(err, query.ErrRefused) || errors.Is(err, store.ErrReadOnly) {
		return asUsage(err)
	}
	if err != nil && q.Name == "" && cmd.Context().Err() == nil {
		// The user's own SQL did not parse or bind: a usage error (exit 2)
		// that points at the views, not a failure of systemic.
		return usageError("your SQL: %v\n(see 'systemic query --views' for the views and their columns)", err)
	}
	if err != nil {
		return err
	}
	return query.Write(a.stdout, res, f.format, a.termWidth())
}

// pickQuestion reads the arguments as a question name or as SQL (several
// words, or several arguments joined). Question flags on SQL are refused.
func pickQuestion(cmd *cobra.Command, args []string) (query.Question, string, error) {
	text := strings.TrimSpace(strings.Join(args, " "))
	if !strings.ContainsAny(text, " \t\n") {
		q, ok := query.Lookup(text)
		if !ok {
			return q, "", usageError("unknown question %q: systemic query --list shows them (SQL goes in quotes)", text)
		}
		return q, "", nil
	}
	for _, name := range []string{"team", "period", "from", "to", "limit", "pattern", "metric", "show-sql"} {
		if cmd.Flags().Changed(name) {
			return query.Question{}, "", usageError("--%s applies to named questions; with SQL, put the condition in the statement", name)
		}
	}
	return query.Question{}, text, nil
}

// questionParams checks that every parameter given applies to q and
// resolves the window.
func (a *app) questionParams(cmd *cobra.Command, q query.Question, f queryFlags) (query.Params, error) {
	for flag, param := range map[string]string{"team": "team", "period": "period", "from": "period",
		"to": "period", "limit": "limit", "pattern": "pattern", "metric": "metric"} {
		if cmd.Flags().Changed(flag) && !q.Takes(param) {
			return query.Params{}, usageError("%s does not take --%s", q.Name, flag)
		}
	}
	now := a.now()
	w, err := config.ResolveWindow(f.period, f.from, f.to, now)
	if err != nil {
		return query.Params{}, usageError("%v", err)
	}
	if f.limit < -1 {
		return query.Params{}, usageError("--limit %d: use 0 for all rows or a positive number", f.limit)
	}
	metric, err := query.ResolveMetric(f.metric)
	if err != nil {
		return query.Params{}, usageError("--metric: %v", err)
	}
	return query.Params{Team: f.team, From: w.From, To: w.To, Limit: f.limit, Pattern: f.pattern, Metric: metric, Now: now}, nil
}

func (a *app) writeViews(ctx context.Context, db *sql.DB, format string) error {
	vs, err := query.Views(ctx, db)
	if err != nil {
		return err
	}
	if format == "table" {
		return query.WriteViews(a.stdout, vs)
	}
	return query.Write(a.stdout, query.ViewsResult(vs), format, 0)
}

// termWidth is the terminal's width when stdout is one, else 0 (no limit).
func (a *app) termWidth() int {
	f, ok := a.stdout.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// knownTeam refuses a --team the database does not know (exit 2).
func knownTeam(ctx context.Context, db *sql.DB, team string) error {
	err := query.KnownTeam(ctx, db, team)
	var unknown *query.UnknownTeamError
	if errors.As(err, &unknown) {
		return usageError("--team %s: no such team (teams: %s)", team, strings.Join(unknown.Teams, ", "))
	}
	return err
}

// sqlArgs moves arguments that look like flags but cannot be one (SQL
// opening with a "--" comment, or "-1 + x": a dash, then whitespace before
// any "=") behind a "--" terminator, so the flag parser leaves them to
// query as SQL. Arguments already behind a "--" are left alone.
func sqlArgs(args []string) []string {
	var keep, sql []string
	for i, arg := range args {
		if arg == "--" {
			return append(append(keep, args[i:]...), sql...)
		}
		name, _, _ := strings.Cut(arg, "=")
		if strings.HasPrefix(arg, "-") && strings.ContainsAny(name, " \t\r\n") {
			sql = append(sql, arg)
			continue
		}
		keep = append(keep, arg)
	}
	if len(sql) == 0 {
		return args
	}
	return append(append(keep, "--"), sql...)
}
