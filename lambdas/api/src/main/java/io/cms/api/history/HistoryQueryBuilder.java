package io.cms.api.history;

import io.cms.lambda.common.BadInputException;
import io.cms.vss.LakeSchema;
import io.cms.vss.Signal;
import io.cms.vss.VssDatatype;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Builds the history query once for both engines: only the requested signals' columns (from the
 * catalog allow-list), the VIN and times as parameters, an explicit list of the hour partitions the
 * range covers, as exact {@code (year, month, day, hour)} tuples and as per-column {@code IN} lists
 * (which the engines prune on; a later page lists only the hours from its cursor on), with keyset paging in a total order.
 *
 * <p>The order is {@code ts}, then every selected signal column ({@code NULLS LAST}): rows of one
 * vehicle at one millisecond that still tie are equal in every returned value, so which of them a
 * page skips cannot change the result. Neither engine exposes a row identity both share (Athena
 * has {@code "$path"} but no row number), so the columns are the tiebreak. A later page starts at
 * the cursor's millisecond ({@code ts >= ?}) and skips, with {@code OFFSET}, the rows there that
 * earlier pages returned: the order puts exactly those first.
 */
public final class HistoryQueryBuilder {

    private final LakeSchema lake;
    private final String source;
    private final Dialect dialect;

    /**
     * @param lake the lake schema: its catalog is the allow-list of signals
     * @param source the table (Athena: {@code "db"."table"}) or Parquet glob (DuckDB), set by the
     *     operator's configuration, never by a caller
     * @param dialect the engine
     */
    public HistoryQueryBuilder(LakeSchema lake, String source, Dialect dialect) {
        this.lake = lake;
        this.source = source;
        this.dialect = dialect;
    }

    /** The query for a page of {@code request} at {@code cursor} (null or START for the first page). */
    public SqlQuery build(HistoryRequest request, HistoryCursor cursor) {
        Long at = cursor == null ? null : cursor.timestamp();
        Map<String, VssDatatype> selected = new LinkedHashMap<>();
        for (String signal : request.signals()) {
            Signal s = lake.catalog().signal(signal)
                    .orElseThrow(() -> new BadInputException("unknown signal '" + safe(signal) + "'"));
            selected.put(LakeSchema.column(s.path()), s.datatype());
        }
        StringJoiner select = new StringJoiner(", ");
        select.add(LakeSchema.VIN).add(LakeSchema.TS);
        selected.forEach((c, type) -> select.add(column(c, type)));
        StringJoiner order = new StringJoiner(", ");
        order.add(LakeSchema.TS);
        // Qualified: the source column, never a select-list alias of the same name.
        selected.keySet().forEach(c -> order.add("lake." + quote(c) + " NULLS LAST"));

        List<Object> parameters = new ArrayList<>();
        List<int[]> hours = hours(firstHourStart(request, at), request.to());
        StringBuilder sql = new StringBuilder("SELECT ").append(select).append(" FROM ").append(from(selected))
                .append(" WHERE vin = ?");
        parameters.add(request.vin());
        sql.append(" AND ts >= ? AND ts < ?");
        parameters.add(request.fromMillis());
        parameters.add(request.toMillis());
        if (at != null) {
            sql.append(" AND ts >= ?");
            parameters.add(at);
        }
        sql.append(" AND (year, month, day, hour) IN (");
        StringJoiner tuples = new StringJoiner(", ");
        for (int[] h : hours) {
            // Partition values are integers we computed, not caller input.
            tuples.add("(" + h[0] + ", " + h[1] + ", " + h[2] + ", " + h[3] + ")");
        }
        sql.append(tuples).append(")");
        // The same hours per column: Athena (Trino) prunes partitions on per-column predicates, not
        // reliably on a row-value IN, which stays for exactness (the per-column sets over-cover).
        for (int k = 0; k < LakeSchema.PARTITION_KEYS.size(); k++) {
            int key = k;
            StringJoiner values = new StringJoiner(", ", " AND " + LakeSchema.PARTITION_KEYS.get(k) + " IN (", ")");
            hours.stream().mapToInt(h -> h[key]).distinct().sorted().forEach(v -> values.add(Integer.toString(v)));
            sql.append(values);
        }
        sql.append(" ORDER BY ").append(order);
        if (at != null) {
            // A count from a signed token, parsed as an int: not caller text.
            sql.append(" OFFSET ").append(cursor.seenAtTimestamp());
        }
        sql.append(" LIMIT ").append(request.limit() + 1);
        return new SqlQuery(sql.toString(), parameters, hours.size());
    }

    /**
     * Athena: the Glue table, whose declared columns read as null where a file lacks them. DuckDB:
     * the Parquet files with a typed empty relation of the queried columns appended by name, so that
     * an empty lake ({@code allow_empty}) is no rows and a catalog signal no file has yet is null,
     * as on Athena, with the files' own types.
     */
    private String from(Map<String, VssDatatype> selected) {
        if (dialect == Dialect.ATHENA) {
            return source + " AS lake";
        }
        StringJoiner typed = new StringJoiner(", ");
        typed.add("NULL::VARCHAR AS " + LakeSchema.VIN).add("NULL::BIGINT AS " + LakeSchema.TS);
        selected.forEach((column, type) -> typed.add("NULL::" + duckDbType(type) + " AS " + quote(column)));
        LakeSchema.PARTITION_KEYS.forEach(k -> typed.add("NULL::BIGINT AS " + k));
        return "(SELECT * FROM read_parquet('" + source.replace("'", "''")
                + "', hive_partitioning = true, union_by_name = true, allow_empty = true)"
                + " UNION ALL BY NAME SELECT " + typed + " WHERE false) AS lake";
    }

    /** The DuckDB type a lake file holds for a VSS datatype (the same classes as {@link LakeSchema#hiveType}). */
    static String duckDbType(VssDatatype type) {
        return switch (type) {
            case BOOLEAN -> "BOOLEAN";
            case STRING -> "VARCHAR";
            case FLOAT -> "FLOAT";
            case DOUBLE -> "DOUBLE";
            case UINT8, UINT16, INT8, INT16, INT32 -> "INTEGER";
            case UINT32, INT64 -> "BIGINT";
            case STRING_ARRAY -> "VARCHAR[]";
        };
    }

    /**
     * Where the page's hour list starts: {@code from}, or on a later page the cursor's time (its hour
     * holds the rows from it on; earlier hours cannot). Clamped to [from, to) so the list is
     * never empty. A pure function of the request and cursor, so a resumed page rebuilds the same SQL.
     */
    private static Instant firstHourStart(HistoryRequest request, Long at) {
        if (at == null) {
            return request.from();
        }
        Instant after = Instant.ofEpochMilli(at);
        Instant lastMilli = Instant.ofEpochMilli(request.toMillis() - 1);
        Instant start = after.isAfter(lastMilli) ? lastMilli : after;
        return start.isBefore(request.from()) ? request.from() : start;
    }

    /** Every UTC hour that intersects [from, to). */
    static List<int[]> hours(Instant from, Instant to) {
        List<int[]> out = new ArrayList<>();
        ZonedDateTime t = from.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS);
        ZonedDateTime end = to.atZone(ZoneOffset.UTC);
        while (t.isBefore(end)) {
            out.add(new int[] {t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour()});
            t = t.plusHours(1);
        }
        return out;
    }

    /**
     * A selected column. Athena renders an array as {@code [a, b]}, which cannot be split back when
     * an element holds {@code ", "}; as JSON it can be parsed exactly.
     */
    private String column(String column, VssDatatype type) {
        return dialect == Dialect.ATHENA && type == VssDatatype.STRING_ARRAY
                ? "CAST(" + quote(column) + " AS JSON) AS " + quote(column) : quote(column);
    }

    private static String quote(String column) {
        if (!column.matches("^[a-z][a-z0-9_]{0,127}$")) {
            throw new IllegalStateException("catalog column '" + column + "' is not a safe identifier");
        }
        return "\"" + column + "\"";
    }

    private static String safe(String input) {
        return input == null ? "null" : input.length() > 64 ? input.substring(0, 64) + "..." : input;
    }
}
