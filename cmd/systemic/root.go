package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/store"
)

// app holds what every command shares: global flags, output streams, the
// lazily loaded config and the logger.
type app struct {
	configPath string
	dbPath     string
	logLevel   string
	noProgress bool
	// offline: the command only reads the store, so unset credential
	// variables are no error (see contactsSources).
	offline bool

	stdout, stderr io.Writer
	log            *slog.Logger
	now            func() time.Time

	cfg *config.Config
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, now: time.Now}
	root := newRootCmd(a)
	root.SetArgs(sqlArgs(args))
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		err = usageError("%v; run 'systemic --help' for the commands", err)
	}
	if err != nil && ctx.Err() != nil {
		// Interrupted: whatever failed did so because of it (DuckDB says
		// "INTERRUPT Error", HTTP clients "context canceled").
		err = interrupted(err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "systemic: %s\n", errorText(err))
	}
	return exitCode(err)
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "systemic",
		Short: "Find execution patterns in Jira and GitHub history and hold them against the plan",
		Long: `systemic pulls issue and review history from Jira and GitHub into DuckDB, detects
systemic patterns (approval bottlenecks, stalled commitments, cross-team dependency
delays, decision latency, handoff churn, silos, WIP overload) and writes reports that
hold observed behaviour against the teams' stated plans.`,
		Example: `  systemic demo                       # the whole pipeline on a bundled demo organisation
  systemic validate --config acme.yaml
  systemic run --period last-month --out reports/`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			a.offline = !contactsSources[cmd.Name()]
			return a.setup()
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErr{fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", envOr("SYSTEMIC_CONFIG", "systemic.yaml"), "config file (env SYSTEMIC_CONFIG)")
	pf.StringVar(&a.dbPath, "db", "", "DuckDB database file (overrides storage.path)")
	pf.StringVar(&a.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.BoolVar(&a.noProgress, "no-progress", false, "never draw progress bars (logs instead)")

	root.AddCommand(
		newSyncCmd(a),
		newAnalyzeCmd(a),
		newReportCmd(a),
		newRunCmd(a),
		newQueryCmd(a),
		newMCPCmd(a),
		newServeCmd(a),
		newExportCmd(a),
		newDemoCmd(a),
		newValidateCmd(a),
		newPlanCmd(a),
		newVersionCmd(a),
	)
	root.SetHelpCommand(newHelpCmd(root))
	// Unknown subcommands and bad args are usage errors (exit 2).
	for _, c := range root.Commands() {
		if c.Long != "" { // help leads with the one-line purpose
			c.Long = c.Short + ".\n\n" + c.Long
		}
		if c.Args == nil {
			c.Args = cobra.NoArgs
		}
		wrapArgs(c)
	}
	return root
}

// contactsSources are the commands that call the trackers, so every
// credential variable of the config must be set (demo writes literal
// ones); validate checks the config for them. Every other command only
// reads the store and loads the config with config.LoadOffline.
var contactsSources = map[string]bool{"sync": true, "run": true, "demo": true, "validate": true}

func wrapArgs(c *cobra.Command) {
	check := c.Args
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageErr{err}
		}
		return nil
	}
}

func (a *app) setup() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return usageError("--log-level %q: use debug, info, warn or error", a.logLevel)
	}
	a.log = slog.New(redactHandler{slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level})})
	return nil
}

// config loads the config file once. A missing or invalid file is a usage
// error (exit 2) that says what to fix.
func (a *app) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	load := config.Load
	if a.offline {
		load = config.LoadOffline
	}
	cfg, err := load(a.configPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usageError("no config file at %s: copy config.example.yaml to systemic.yaml and edit it, or pass --config (try 'systemic demo' for a ready-made one)", a.configPath)
	}
	if err != nil {
		return nil, asUsage(err)
	}
	if a.dbPath != "" {
		cfg.Storage.Path = a.dbPath
	}
	a.cfg = cfg
	return cfg, nil
}

// storePath is --db, else the config's storage.path.
func (a *app) storePath() (string, error) {
	if a.dbPath != "" {
		return a.dbPath, nil
	}
	cfg, err := a.config()
	if err != nil {
		return "", err
	}
	return cfg.Storage.Path, nil
}

// openStore opens the database for writing (creating it if needed).
func (a *app) openStore(ctx context.Context) (*store.Store, error) {
	path, err := a.storePath()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, locked(path, err)
	}
	return a.tuned(ctx, st)
}

// tuned applies the config's storage.memory_limit to an opened store (a
// --db without a config keeps the store's default).
func (a *app) tuned(ctx context.Context, st *store.Store) (*store.Store, error) {
	cfg, err := a.config()
	if err != nil || cfg.Storage.MemoryLimit == "" {
		return st, nil
	}
	if err := st.SetMemoryLimit(ctx, cfg.Storage.MemoryLimit); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// locked turns the store's lock error into one plain sentence naming the
// whole path and what to do; other errors pass through.
func locked(path string, err error) error {
	if !errors.Is(err, store.ErrLocked) {
		return err
	}
	return lockedErr{path}
}

type lockedErr struct{ path string }

func (e lockedErr) Error() string {
	return fmt.Sprintf("database %s is in use by another process (a sync, run or analyze still going?); "+
		"wait for it to finish and try again", e.path)
}
func (e lockedErr) Unwrap() error { return store.ErrLocked }

// openReadOnly opens an existing database for queries.
func (a *app) openReadOnly(ctx context.Context) (*store.Store, error) {
	path, err := a.existingStore()
	if err != nil {
		return nil, err
	}
	st, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, locked(path, err)
	}
	return a.tuned(ctx, st)
}

// openExisting opens an existing database for writing: analyze and report
// add to a synced database, and a mistyped --db must not quietly create an
// empty one and report on nothing.
func (a *app) openExisting(ctx context.Context) (*store.Store, error) {
	if _, err := a.existingStore(); err != nil {
		return nil, err
	}
	return a.openStore(ctx)
}

// existingStore is the database path, or a usage error when no file is there.
func (a *app) existingStore() (string, error) {
	path, err := a.storePath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err != nil {
		return "", usageError("no database at %s: run 'systemic sync' (or 'systemic demo') first, or pass --db", path)
	}
	return path, nil
}

// progress reports whether to draw progress bars: stderr is a terminal and
// --no-progress was not given.
func (a *app) progress() bool {
	f, ok := a.stderr.(*os.File)
	return ok && !a.noProgress && term.IsTerminal(int(f.Fd()))
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// newHelpCmd is 'systemic help [command]'; an unknown topic is a usage
// error (exit 2), as an unknown command is, rather than help and exit 0.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			c, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || (c == root && len(args) > 0) {
				return usageError("no help topic %q; run 'systemic --help' for the commands", strings.Join(args, " "))
			}
			return c.Help()
		},
	}
}
