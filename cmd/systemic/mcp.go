package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/analysis"
	"github.com/systemic-dev/systemic/internal/config"
	"github.com/systemic-dev/systemic/internal/live"
	"github.com/systemic-dev/systemic/internal/mcpserver"
)

func newMCPCmd(a *app) *cobra.Command {
	var names bool
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the named questions, views, findings and definitions to an AI assistant (MCP on stdio)",
		Long: `mcp is a Model Context Protocol server on standard input and output: an assistant
(any MCP client) starts it and calls its tools to answer questions such as "who waits on
whom this quarter?". Tools: list_questions, ask (a named question with parameters, the
same rows as 'systemic query'), list_views, run_sql (one read-only statement in the query
sandbox), findings (of a period) and explain (a pattern or metric).

It never writes to the store. It reads the pseudonymised copy of the database that
'systemic query' reads (people are person-N), unless --names or the config's
privacy.names; with names it reads a private snapshot copy. While a sync holds the
database, answers come from its last readable state, with a note. Answers carry at
most 100 rows, with a note when cut. Logs go to stderr; stdout carries the protocol.`,
		Example: `  systemic mcp --config /path/to/systemic.yaml
  claude mcp add systemic -- systemic mcp --config /path/to/systemic.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := a.liveSource(names)
			if err != nil {
				return err
			}
			defer src.Close()
			return mcpserver.Run(cmd.Context(), mcpserver.Options{Source: src, Now: a.now, Facts: a.factsAsOf, Version: version})
		},
	}
	cmd.Flags().BoolVar(&names, "names", false, "show people by their ids and names instead of pseudonyms")
	return cmd
}

// liveSource is the read-only view of the store serve and mcp answer from:
// the pseudonymised copy, or with names (--names or privacy.names) a
// snapshot copy of the store.
func (a *app) liveSource(names bool) (*live.Source, error) {
	path, names, salt, err := a.privacyScope(names)
	if err != nil {
		return nil, err
	}
	return &live.Source{Path: path, Names: names, Salt: salt}, nil
}

// factsAsOf are the statements that put in front of the store's derived
// facts that depend on the as-of time the same facts as of asOf, on a
// reader's connection (analysis.WindowFacts), with the config's calendar
// and states when there is a config: the store's own hold the window last
// analysed, which may be any.
func (a *app) factsAsOf(asOf time.Time) []string {
	env := &analysis.Env{Now: asOf.UTC(), Thresholds: analysis.WithDefaults(config.Thresholds{})}
	if cfg, err := a.config(); err == nil {
		env.Thresholds, env.States, env.Calendar = analysis.WithDefaults(cfg.Thresholds), cfg.States, cfg.Calendar
	}
	return analysis.WindowFacts(env)
}

// privacyScope is the store path and what a reader may see of people:
// names when --names or the config's privacy.names asks for them, and the
// salt of the pseudonyms otherwise. With --db and no config, pseudonyms.
func (a *app) privacyScope(names bool) (path string, withNames bool, salt string, err error) {
	if cfg, err := a.config(); err == nil {
		names = names || cfg.Privacy.Names
		salt = cfg.Privacy.Salt
	} else if a.dbPath == "" {
		return "", false, "", err
	}
	path, err = a.existingStore()
	return path, names, salt, err
}
