package io.cms.api.testing;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.GetQueryExecutionResponse;
import software.amazon.awssdk.services.athena.model.GetQueryResultsRequest;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.QueryExecutionStatus;
import software.amazon.awssdk.services.athena.model.ResultSetMetadata;
import software.amazon.awssdk.services.athena.model.Row;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionResponse;

/**
 * Athena's query API over DuckDB, as Athena behaves: execution parameters are SQL literals applied
 * to the {@code ?} placeholders in order; a query is QUEUED/RUNNING for a while (here: a number of
 * status checks) before SUCCEEDED or FAILED; {@code GetQueryResults} pages with a token, the first
 * row of the first page is the header, every value is text ({@code VarCharValue}) and a null has no
 * {@code VarCharValue}; an unknown id is an {@link InvalidRequestException}.
 */
public final class DuckDbAthena implements AthenaClient {

    private final Connection duck;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    /** How many status checks a new query stays RUNNING for. */
    public volatile int runningChecks;

    private static final class Execution {
        final String sql;
        final List<String> parameters;
        final String workgroup;
        int checksLeft;
        QueryExecutionState state;
        String reason;
        List<ColumnInfo> columns;
        List<Row> rows;

        Execution(String sql, List<String> parameters, String workgroup, int checks) {
            this.sql = sql;
            this.parameters = parameters;
            this.workgroup = workgroup;
            this.checksLeft = checks;
            this.state = QueryExecutionState.RUNNING;
        }
    }

    /** @param duck a DuckDB connection on which the Athena table name used by the queries resolves */
    public DuckDbAthena(Connection duck) {
        this.duck = duck;
    }

    @Override
    public StartQueryExecutionResponse startQueryExecution(StartQueryExecutionRequest request) {
        String id = UUID.randomUUID().toString();
        executions.put(id, new Execution(request.queryString(), request.executionParameters(), request.workGroup(), runningChecks));
        return StartQueryExecutionResponse.builder().queryExecutionId(id).build();
    }

    /** Makes every running query finish at its next status check. */
    public void finishAll() {
        executions.values().forEach(e -> e.checksLeft = 0);
    }

    @Override
    public synchronized GetQueryExecutionResponse getQueryExecution(GetQueryExecutionRequest request) {
        Execution e = executions.get(request.queryExecutionId());
        if (e == null) {
            throw InvalidRequestException.builder().message("QueryExecution " + request.queryExecutionId() + " was not found").build();
        }
        if (e.state == QueryExecutionState.RUNNING) {
            if (e.checksLeft > 0) {
                e.checksLeft--;
            } else {
                execute(e);
            }
        }
        return GetQueryExecutionResponse.builder().queryExecution(QueryExecution.builder()
                .queryExecutionId(request.queryExecutionId()).query(e.sql).executionParameters(e.parameters).workGroup(e.workgroup)
                .status(QueryExecutionStatus.builder().state(e.state).stateChangeReason(e.reason).build()).build()).build();
    }

    @Override
    public GetQueryResultsResponse getQueryResults(GetQueryResultsRequest request) {
        Execution e = executions.get(request.queryExecutionId());
        if (e == null || e.state != QueryExecutionState.SUCCEEDED) {
            throw InvalidRequestException.builder().message("query has not succeeded").build();
        }
        int max = request.maxResults() == null ? 1000 : request.maxResults();
        int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
        int to = Math.min(e.rows.size(), from + max);
        return GetQueryResultsResponse.builder()
                .resultSet(r -> r.resultSetMetadata(ResultSetMetadata.builder().columnInfo(e.columns).build()).rows(e.rows.subList(from, to)))
                .nextToken(to < e.rows.size() ? Integer.toString(to) : null).build();
    }

    private void execute(Execution e) {
        StringBuilder sql = new StringBuilder();
        int p = 0;
        for (char c : e.sql.toCharArray()) {
            if (c == '?') {
                if (p >= e.parameters.size()) {
                    fail(e, "Query has more placeholders than execution parameters");
                    return;
                }
                sql.append(e.parameters.get(p++));
            } else {
                sql.append(c);
            }
        }
        if (p != e.parameters.size()) {
            fail(e, "Query has fewer placeholders than execution parameters");
            return;
        }
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            ResultSetMetaData meta = rs.getMetaData();
            List<ColumnInfo> columns = new ArrayList<>();
            List<Datum> header = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String type = "JSON".equalsIgnoreCase(meta.getColumnTypeName(i)) ? "json" : athenaType(meta.getColumnType(i));
                columns.add(ColumnInfo.builder().name(meta.getColumnLabel(i)).type(type).build());
                header.add(Datum.builder().varCharValue(meta.getColumnLabel(i)).build());
            }
            List<Row> rows = new ArrayList<>();
            rows.add(Row.builder().data(header).build());
            while (rs.next()) {
                List<Datum> data = new ArrayList<>();
                for (int i = 1; i <= columns.size(); i++) {
                    Object v = rs.getObject(i);
                    data.add(v == null ? Datum.builder().build() : Datum.builder().varCharValue(text(v)).build());
                }
                rows.add(Row.builder().data(data).build());
            }
            e.columns = columns;
            e.rows = rows;
            e.state = QueryExecutionState.SUCCEEDED;
        } catch (SQLException ex) {
            fail(e, ex.getMessage());
        }
    }

    private static void fail(Execution e, String reason) {
        e.state = QueryExecutionState.FAILED;
        e.reason = reason;
    }

    /** Athena's text of a value: an array as {@code [a, b]} (elements joined with ", ", unquoted), JSON as JSON. */
    private static String text(Object v) throws SQLException {
        if (v instanceof Array a) {
            return Arrays.toString((Object[]) a.getArray());
        }
        return v.toString();
    }

    private static String athenaType(int jdbcType) {
        return switch (jdbcType) {
            case Types.BIGINT -> "bigint";
            case Types.INTEGER -> "integer";
            case Types.SMALLINT -> "smallint";
            case Types.TINYINT -> "tinyint";
            case Types.DOUBLE -> "double";
            case Types.FLOAT, Types.REAL -> "float";
            case Types.BOOLEAN -> "boolean";
            case Types.ARRAY -> "array";
            default -> "varchar";
        };
    }

    @Override
    public String serviceName() {
        return "athena";
    }

    @Override
    public void close() {
    }
}
