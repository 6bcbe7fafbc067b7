// Package export writes a systemic database as Parquet files that BI tools
// and engines beyond one machine (DuckDB over object storage, Spark, Trino)
// read directly.
//
// Data enters as a *sql.DB (a read-only store handle is enough: DuckDB's
// COPY writes files, not the database); it leaves as one directory per
// table under the output directory, Hive-partitioned where a table is large
// and queried by time (items by source and month created, item_events by
// source and month occurred), plus manifest.json listing every table, its
// layout, columns and row count.
package export
