package main

import "github.com/spf13/cobra"

// Commands whose machinery has not landed yet. Each says so plainly and
// exits 2; never fake output. When a command's own file lands (analyze.go,
// report.go, query.go, export.go, demo.go), delete its stub here.

func pendingCmd(use, short, example string) *cobra.Command {
	return &cobra.Command{
		Use: use, Short: short, Example: example,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("'systemic " + cmd.Name() + "'")
		},
	}
}
