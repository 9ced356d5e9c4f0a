package io.cms.api.history;

/**
 * The SQL engines the history query runs on: Athena (Trino) in AWS, DuckDB in CMS Local. They
 * differ only in how the lake table is named and how a millisecond timestamp parameter is written.
 */
public enum Dialect {
    /** Athena over the Glue table with partition projection; parameters as execution parameters. */
    ATHENA,
    /** DuckDB over the Parquet files with hive partitioning; parameters through JDBC. */
    DUCKDB
}
