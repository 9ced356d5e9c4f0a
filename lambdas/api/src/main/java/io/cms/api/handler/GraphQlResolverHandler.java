package io.cms.api.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.Page;
import io.cms.api.VehicleApi;
import io.cms.api.history.HistoryQueryCancelledException;
import io.cms.api.history.HistoryQueryFailedException;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.lambda.common.appsync.FieldResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AppSync direct Lambda resolver of the API: {@code Query.getVehicle}, {@code listVehicles},
 * {@code listVehiclesPage} and {@code getVehicleHistory}. A thrown exception is a GraphQL error;
 * caller mistakes and a cancelled history query (deadline, shutdown) keep their message; a failed
 * history query and anything unexpected are logged and reported generically, without the engine's
 * text (SQL, paths).
 */
public final class GraphQlResolverHandler implements RequestStreamHandler, FieldResolver {

    private static final Logger LOG = LoggerFactory.getLogger(GraphQlResolverHandler.class);
    private static final int MAX_SIGNAL_ARGUMENTS = 1000;
    /** What a caller sees of a failed history query (the engine's details are in the function's logs). */
    static final String HISTORY_FAILED = "history query failed; see the function's logs";

    private final VehicleApi api;

    public GraphQlResolverHandler() {
        this(ApiWiring.fromSystem().api());
    }

    public GraphQlResolverHandler(VehicleApi api) {
        this.api = api;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(resolve(AppSyncRequest.from(Json.parse(input)))).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public JsonNode resolve(AppSyncRequest request) {
        try {
            return switch (request.fieldName()) {
                case "getVehicle" -> api.getVehicle(request.text("vin")).<JsonNode>map(v -> v).orElse(NullNode.getInstance());
                case "listVehicles" -> {
                    ArrayNode list = Json.MAPPER.createArrayNode();
                    api.listVehiclesByPageNumber(request.optionalInt("page")).forEach(list::add);
                    yield list;
                }
                case "listVehiclesPage" -> page(api.listVehicles(request.optionalInt("limit"), request.optionalText("nextToken")));
                case "getVehicleHistory" -> page(api.getVehicleHistory(request.text("vin"), request.text("from"), request.text("to"),
                        strings(request.arguments().get("signals")), request.optionalInt("limit"), request.optionalText("nextToken")));
                default -> throw new BadInputException("the API has no field '" + request.fieldName() + "'");
            };
        } catch (BadInputException e) {
            LOG.info("{} refused: {}", request.fieldName(), e.getMessage());
            throw e;
        } catch (HistoryQueryCancelledException e) {
            // Fixed text (deadline or shutdown), safe to return; the engine's reason is in the cause.
            LOG.warn("{} cancelled: {}", request.fieldName(), e.getMessage(), e);
            throw e.withoutCause();
        } catch (HistoryQueryFailedException e) {
            // The engine's text can hold the SQL, lake paths or bucket names: logged, never returned.
            LOG.error("{} failed: {}", request.fieldName(), e.getMessage(), e);
            throw new HistoryQueryFailedException(HISTORY_FAILED);
        } catch (ConfigurationException e) {
            LOG.error("{} failed: {}", request.fieldName(), e.getMessage(), e);
            throw e;
        } catch (RuntimeException e) {
            LOG.error("{} failed unexpectedly", request.fieldName(), e);
            throw new IllegalStateException("internal error while resolving " + request.fieldName() + "; see the function's logs");
        }
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new BadInputException("argument 'signals' is required and must be a list of strings");
        }
        if (node.size() > MAX_SIGNAL_ARGUMENTS) {
            throw new BadInputException("too many signals");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new BadInputException("argument 'signals' must be a list of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static ObjectNode page(Page<ObjectNode> page) {
        ObjectNode node = Json.object();
        ArrayNode items = node.putArray("items");
        page.items().forEach(items::add);
        node.put("nextToken", page.nextToken());
        return node;
    }
}
