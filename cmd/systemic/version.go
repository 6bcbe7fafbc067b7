package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/internal/store"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the systemic version and the database schema version it writes",
		Example: "  systemic version",
		RunE: func(cmd *cobra.Command, args []string) error {
			v := version
			if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "(devel)" && info.Main.Version != "" {
				v = info.Main.Version
			}
			fmt.Fprintf(a.stdout, "systemic %s (schema %d)\n", v, store.SchemaVersion)
			return nil
		},
	}
}
