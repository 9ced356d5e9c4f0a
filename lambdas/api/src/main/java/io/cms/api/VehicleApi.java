package io.cms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.graphql.VehicleView;
import io.cms.api.history.EngineResult;
import io.cms.api.history.HistoryCursor;
import io.cms.api.history.HistoryEngine;
import io.cms.api.history.HistoryQueryCancelledException;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryRequest;
import io.cms.api.history.HistoryTokens;
import io.cms.api.history.SqlQuery;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.vss.LakeSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The API's operations, independent of AppSync: the latest state of one vehicle, pages of distinct
 * vehicles, and a vehicle's history from the lake. Every argument is validated (VIN rule, catalog
 * allow-list, signed tokens, bounded sizes) before any store or engine is called.
 */
public final class VehicleApi {

    /** Page size of {@code listVehicles} and {@code getVehicleHistory} when the caller gives none. */
    public static final int DEFAULT_LIMIT = 100;
    /** Page size of the original's {@code listVehicles(page)}. */
    public static final int LEGACY_PAGE_SIZE = 100;
    /** The highest {@code page} of the original's {@code listVehicles(page)} (each page walks the ones before it). */
    public static final int MAX_LEGACY_PAGE = 99;
    private static final int MAX_TIME_TEXT = 64;
    /** The earliest {@code from}/{@code to} accepted: lake timestamps are epoch milliseconds. */
    public static final Instant MIN_TIME = Instant.EPOCH;
    /** The latest {@code from}/{@code to} accepted: four-digit years, as the lake's {@code year} partition. */
    public static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

    private final LatestStateStore latest;
    private final LakeSchema lake;
    private final HistoryQueryBuilder builder;
    private final HistoryEngine engine;
    private final HistoryTokens tokens;
    private final Duration budget;
    private final Clock clock;

    /**
     * @param budget how long one history call may wait for its engine before answering with a
     *     {@code nextToken} that resumes the running query (well under AppSync's 30 s)
     */
    public VehicleApi(LatestStateStore latest, LakeSchema lake, HistoryQueryBuilder builder, HistoryEngine engine,
            HistoryTokens tokens, Duration budget, Clock clock) {
        this.latest = latest;
        this.lake = lake;
        this.builder = builder;
        this.engine = engine;
        this.tokens = tokens;
        this.budget = budget;
        this.clock = clock;
    }

    /** The latest state of {@code vin} as a {@code Vehicle}, or empty when it never sent telemetry. */
    public Optional<ObjectNode> getVehicle(String vin) {
        return latest.get(vin).map(VehicleApi::view);
    }

    /** A page of distinct vehicles with their latest state. */
    public Page<ObjectNode> listVehicles(Integer limit, String nextToken) {
        Page<VehicleState> page = latest.list(limit == null ? DEFAULT_LIMIT : limit, nextToken);
        return new Page<>(page.items().stream().map(VehicleApi::view).toList(), page.nextToken());
    }

    /** The original's {@code listVehicles(page)}: page {@code page} (from 0) of 100 distinct vehicles. */
    public List<ObjectNode> listVehiclesByPageNumber(Integer page) {
        int wanted = page == null ? 0 : page;
        if (wanted < 0 || wanted > MAX_LEGACY_PAGE) {
            throw new BadInputException("page must be between 0 and " + MAX_LEGACY_PAGE
                    + " (use listVehiclesPage with nextToken beyond that), got " + wanted);
        }
        String token = null;
        for (int i = 0; i < wanted; i++) {
            token = latest.list(LEGACY_PAGE_SIZE, token).nextToken();
            if (token == null) {
                return List.of();
            }
        }
        return listVehicles(LEGACY_PAGE_SIZE, token).items();
    }

    /**
     * A page of {@code vin}'s history in [from, to), oldest first, with only the requested signals.
     * An empty page with a {@code nextToken} means the engine is still working: call again with it.
     */
    public Page<ObjectNode> getVehicleHistory(String vin, String from, String to, List<String> signals, Integer limit,
            String nextToken) {
        if (signals == null || signals.isEmpty()) {
            throw new BadInputException("signals must name at least one VSS signal, e.g. [\"Vehicle.Speed\"]");
        }
        HistoryRequest request = new HistoryRequest(vin, instant("from", from), instant("to", to), signals,
                limit == null ? DEFAULT_LIMIT : limit);
        HistoryCursor cursor = tokens.decode(request, nextToken);
        SqlQuery query = builder.build(request, cursor);
        EngineResult result;
        try {
            result = engine.run(query, cursor.pendingQueryId(), clock.instant().plus(budget));
        } catch (HistoryQueryCancelledException e) {
            throw e.within(budget);
        }
        if (result.isPending()) {
            return new Page<>(List.of(), tokens.encode(request,
                    new HistoryCursor(cursor.timestamp(), cursor.seenAtTimestamp(), result.pendingId())));
        }
        List<ObjectNode> rows = result.rows();
        boolean more = rows.size() > request.limit();
        List<ObjectNode> page = more ? rows.subList(0, request.limit()) : rows;
        List<ObjectNode> items = new ArrayList<>(page.size());
        for (ObjectNode row : page) {
            items.add(historyItem(request, row));
        }
        String next = more ? tokens.encode(request, next(cursor, page)) : null;
        return new Page<>(items, next);
    }

    /** The cursor after {@code page}: its last timestamp and how many rows at it were returned so far. */
    private static HistoryCursor next(HistoryCursor cursor, List<ObjectNode> page) {
        long last = page.get(page.size() - 1).get(LakeSchema.TS).asLong();
        int seen = Long.valueOf(last).equals(cursor.timestamp()) ? cursor.seenAtTimestamp() : 0;
        for (ObjectNode row : page) {
            if (row.get(LakeSchema.TS).asLong() == last) {
                seen++;
            }
        }
        return new HistoryCursor(last, seen, null);
    }

    private ObjectNode historyItem(HistoryRequest request, ObjectNode row) {
        ObjectNode signals = Json.object();
        for (String path : request.signals()) {
            String column = lake.columnOf(path).orElseThrow();
            JsonNode value = row.get(column);
            ObjectNode parent = signals;
            String[] segments = path.split("\\.");
            for (int i = 0; i < segments.length - 1; i++) {
                JsonNode child = parent.get(segments[i]);
                parent = child instanceof ObjectNode o ? o : parent.putObject(segments[i]);
            }
            parent.set(segments[segments.length - 1], value == null ? Json.MAPPER.nullNode() : value);
        }
        return VehicleView.of(row.get(LakeSchema.VIN).asText(), row.get(LakeSchema.TS).asLong(), signals);
    }

    private static ObjectNode view(VehicleState state) {
        return VehicleView.of(state.vin(), state.timestamp(), state.signals());
    }

    private static Instant instant(String name, String text) {
        if (text == null) {
            throw new BadInputException(name + " is required (ISO-8601, e.g. 2026-11-22T07:00:00Z)");
        }
        if (text.length() > MAX_TIME_TEXT) {
            throw new BadInputException(name + " is not an ISO-8601 date-time");
        }
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadInputException(name + " is not an ISO-8601 date-time (e.g. 2026-11-22T07:00:00Z)");
        }
        if (instant.isBefore(MIN_TIME) || instant.isAfter(MAX_TIME)) {
            throw new BadInputException(name + " must be between " + MIN_TIME + " and " + MAX_TIME + ", got " + text);
        }
        return instant;
    }
}
