package io.cms.api.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.athena.model.InvalidRequestException;
import software.amazon.awssdk.services.athena.model.QueryExecution;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.Row;

/**
 * Runs history queries on Athena: {@code StartQueryExecution} in the operator's workgroup with the
 * caller's values as execution parameters (never in the SQL text), then polls until the query ends
 * or the deadline comes. A query still running at the deadline is returned as pending with its
 * {@code QueryExecutionId}; resuming checks that the execution is this very query (text, parameters,
 * workgroup), so a forged id cannot read another query's results.
 *
 * <p>Results are read with {@code GetQueryResults} (all pages; the first row of a SELECT is the
 * header) and typed from the column metadata: numbers as numbers, booleans as booleans, JSON (how
 * arrays are selected) parsed, a value without {@code VarCharValue} as null.
 */
public final class AthenaHistoryEngine implements HistoryEngine {

    private static final Pattern QUERY_ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    /** How a test or the handler waits between polls. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final AthenaClient athena;
    private final String workgroup;
    private final Duration pollInterval;
    private final Clock clock;
    private final Sleeper sleeper;

    public AthenaHistoryEngine(AthenaClient athena, String workgroup) {
        this(athena, workgroup, Duration.ofMillis(250), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /**
     * @param pollInterval the first wait between status checks (doubles up to 2 s)
     */
    public AthenaHistoryEngine(AthenaClient athena, String workgroup, Duration pollInterval, Clock clock, Sleeper sleeper) {
        this.athena = athena;
        this.workgroup = workgroup;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Execution parameters are SQL literals: strings quoted (quotes doubled), numbers as digits. */
    static List<String> executionParameters(List<Object> parameters) {
        List<String> out = new ArrayList<>();
        for (Object p : parameters) {
            if (p instanceof String s) {
                out.add("'" + s.replace("'", "''") + "'");
            } else if (p instanceof Long || p instanceof Integer) {
                out.add(p.toString());
            } else {
                throw new IllegalArgumentException("unsupported parameter type " + p.getClass().getName());
            }
        }
        return out;
    }

    @Override
    public EngineResult run(SqlQuery query, String pendingId, Instant deadline) {
        List<String> parameters = executionParameters(query.parameters());
        String id;
        QueryExecution execution;
        if (pendingId == null) {
            id = athena.startQueryExecution(b -> b.queryString(query.sql()).workGroup(workgroup)
                    .executionParameters(parameters)).queryExecutionId();
            execution = null;
        } else {
            if (!QUERY_ID.matcher(pendingId).matches()) {
                throw new BadInputException("nextToken is not valid");
            }
            id = pendingId;
            execution = describe(id);
            if (execution == null || !query.sql().equals(execution.query()) || !parameters.equals(execution.executionParameters())
                    || !workgroup.equals(execution.workGroup())) {
                throw new BadInputException("nextToken is not valid");
            }
        }
        Duration wait = pollInterval;
        while (true) {
            if (execution == null) {
                execution = describe(id);
            }
            QueryExecutionState state = execution.status().state();
            if (state == QueryExecutionState.SUCCEEDED) {
                return EngineResult.finished(results(id));
            }
            if (state == QueryExecutionState.FAILED || state == QueryExecutionState.CANCELLED) {
                String reason = execution.status().stateChangeReason();
                throw new HistoryQueryFailedException("history query " + id + " " + state.toString().toLowerCase(Locale.ROOT)
                        + (reason == null ? "" : ": " + reason));
            }
            if (clock.instant().plus(wait).isAfter(deadline)) {
                return EngineResult.pending(id);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EngineResult.pending(id);
            }
            wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : wait.multipliedBy(2);
            execution = null;
        }
    }

    private QueryExecution describe(String id) {
        try {
            return athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
        } catch (InvalidRequestException unknownId) {
            return null;
        }
    }

    private List<ObjectNode> results(String id) {
        List<ObjectNode> out = new ArrayList<>();
        List<ColumnInfo> columns = null;
        String next = null;
        boolean header = true;
        do {
            String token = next;
            GetQueryResultsResponse page = athena.getQueryResults(b -> b.queryExecutionId(id).maxResults(1000).nextToken(token));
            if (columns == null) {
                columns = page.resultSet().resultSetMetadata().columnInfo();
            }
            for (Row row : page.resultSet().rows()) {
                if (header) {
                    header = false;
                    continue;
                }
                ObjectNode node = Json.object();
                for (int i = 0; i < columns.size(); i++) {
                    Datum d = i < row.data().size() ? row.data().get(i) : null;
                    put(node, columns.get(i), d == null ? null : d.varCharValue());
                }
                out.add(node);
            }
            next = page.nextToken();
        } while (next != null);
        return out;
    }

    /** Types an Athena result value by its column type (Athena returns every value as text). */
    static void put(ObjectNode row, ColumnInfo column, String text) {
        String name = column.name();
        if (text == null) {
            row.putNull(name);
            return;
        }
        String type = column.type().toLowerCase(Locale.ROOT);
        switch (type) {
            case "boolean" -> row.put(name, Boolean.parseBoolean(text));
            case "tinyint", "smallint", "integer", "int" -> row.put(name, Integer.parseInt(text));
            case "bigint" -> row.put(name, Long.parseLong(text));
            case "real", "float" -> row.put(name, Float.parseFloat(text));
            case "double" -> row.put(name, Double.parseDouble(text));
            case "decimal" -> row.put(name, new java.math.BigDecimal(text));
            case "json" -> {
                // Arrays are selected as JSON (HistoryQueryBuilder), so elements holding ", " survive.
                JsonNode value;
                try {
                    value = Json.parse(text);
                } catch (BadInputException e) {
                    throw new HistoryQueryFailedException("history column " + name + " is not JSON: " + e.getMessage());
                }
                if (!value.isArray() && !value.isNull()) {
                    throw new HistoryQueryFailedException("history column " + name + " is not a JSON array");
                }
                row.set(name, value);
            }
            case "array" -> throw new HistoryQueryFailedException("history column " + name
                    + " is an array as text, which cannot be split exactly; select it as JSON");
            default -> row.put(name, text);
        }
    }
}
