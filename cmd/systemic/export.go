package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/systemic-dev/systemic/internal/export"
	"github.com/systemic-dev/systemic/internal/query"
)

func newExportCmd(a *app) *cobra.Command {
	var format, out, shard string
	var names bool
	cmd := &cobra.Command{
		Use:   "export --out DIR",
		Short: "Export every table as Parquet for BI tools, Spark, Trino or DuckDB elsewhere",
		Long: `export writes every table of the database (items, events, reviews, sprints, findings,
metrics, health snapshots, ...) as Parquet into DIR, one directory per table. items and
item_events are Hive-partitioned by source and month (source=.../month=2026-10/), so
engines read only the partitions a query needs. DIR/manifest.json lists the tables, their
columns, partitioning and row counts. Re-running replaces the tables in DIR.

Several machines, each syncing its own sources, can export into one layout (a shared
directory or one object-storage prefix): give each a --shard name. Its files and its
manifest (manifest-<shard>.json) carry the name, so shards never overwrite each other,
and a re-export replaces only that shard's files.

The export holds people's ids, logins, emails and names as stored, so it needs --names to
confirm that they may leave systemic's privacy defaults; the reports (report.json) carry
team aggregates and pseudonyms instead.`,
		Example: `  systemic export --format parquet --out export/ --names
  systemic export --out /mnt/lake/systemic --shard eu-jira --names
  duckdb -c "SELECT source, month, count(*) FROM read_parquet('export/items/**/*.parquet', hive_partitioning = true) GROUP BY ALL"`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "parquet" {
				return usageError("--format %q: only parquet is supported", format)
			}
			if out == "" {
				return usageError("--out DIR is required: the directory to write the Parquet files into")
			}
			if err := writableDir(out); err != nil {
				return err
			}
			opts := export.Options{Shard: shard}
			if err := opts.Validate(); err != nil {
				return usageError("--shard: %v", err)
			}
			if !names {
				return usageError("the export holds people's names, logins and emails as stored; pass --names to confirm they may leave systemic's pseudonyms (for aggregates without names use 'systemic report --format json')")
			}
			st, err := a.openReadOnly(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			m, err := export.Parquet(cmd.Context(), st.DB(), out, a.now(), opts)
			if err != nil {
				return err
			}
			res := &query.Result{Columns: []query.Column{{Name: "table", Type: "VARCHAR"},
				{Name: "rows", Type: "BIGINT"}, {Name: "partitioned_by", Type: "VARCHAR"}}}
			var total int64
			for _, t := range m.Tables {
				res.Rows = append(res.Rows, []any{t.Name, t.Rows, strings.Join(t.PartitionedBy, ", ")})
				total += t.Rows
			}
			if err := query.Write(a.stdout, res, "table", a.termWidth()); err != nil {
				return err
			}
			a.log.Info("export written", "dir", out, "tables", len(m.Tables), "rows", total)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "parquet", "file format (parquet)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write into (created if missing)")
	cmd.Flags().StringVar(&shard, "shard", "", "name of this machine's part of a shared export layout")
	cmd.Flags().BoolVar(&names, "names", false, "confirm that people's names, logins and emails may be exported")
	return cmd
}
