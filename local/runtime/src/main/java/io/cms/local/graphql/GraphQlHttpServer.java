package io.cms.local.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.instrumentation.ChainedInstrumentation;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.FieldResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GraphQL APIs of CMS Local over HTTP on 127.0.0.1, answering like AppSync: {@code POST} of
 * {@code {query, variables, operationName}} with an {@code Authorization} header, checked by the
 * Auth module's authorizer (no or bad token: HTTP 401), then executed against the module's AppSync
 * schema with its resolvers ({@link AppSyncSchema}). Requests are bounded in size, depth and
 * complexity; malformed ones get a 400 with the reason.
 */
public final class GraphQlHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GraphQlHttpServer.class);
    /** Largest request body accepted (AppSync's limit is about 1 MB too). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final int MAX_DEPTH = 12;
    private static final int MAX_COMPLEXITY = 2000;

    static {
        // Without it the JDK server stalls ~40 ms per request (Nagle + delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Function<String, JsonNode> authorizer;

    private GraphQlHttpServer(HttpServer server, ExecutorService executor, Function<String, JsonNode> authorizer) {
        this.server = server;
        this.executor = executor;
        this.authorizer = authorizer;
    }

    /**
     * Starts the server.
     *
     * @param port the port on 127.0.0.1 (0: any free one)
     * @param authorizer the {@code resolverContext} for an {@code Authorization} header value, or null to deny
     */
    public static GraphQlHttpServer start(int port, Function<String, JsonNode> authorizer) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "graphql-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.start();
            return new GraphQlHttpServer(server, executor, authorizer);
        } catch (IOException e) {
            throw new IllegalStateException("the GraphQL server cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /** Serves an AppSync schema at {@code path} (e.g. {@code /graphql}) with the module's resolvers. */
    public void addEndpoint(String path, String sdl, FieldResolver resolver) {
        GraphQL graphql = GraphQL.newGraphQL(AppSyncSchema.build(sdl, resolver))
                .defaultDataFetcherExceptionHandler(AppSyncSchema.ERRORS)
                .instrumentation(new ChainedInstrumentation(List.of(
                        new MaxQueryDepthInstrumentation(MAX_DEPTH), new MaxQueryComplexityInstrumentation(MAX_COMPLEXITY))))
                .build();
        server.createContext(path, exchange -> handle(exchange, graphql));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of an endpoint. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void handle(HttpExchange exchange, GraphQL graphql) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                send(exchange, 405, error("MethodNotAllowed", "use POST with a JSON body {query, variables, operationName}"));
                return;
            }
            JsonNode context = authorizer.apply(exchange.getRequestHeaders().getFirst("Authorization"));
            if (context == null) {
                send(exchange, 401, error("UnauthorizedException", "You are not authorized to make this call."));
                return;
            }
            JsonNode request;
            try {
                request = parseRequest(exchange.getRequestBody());
            } catch (BadInputException e) {
                send(exchange, e.getMessage().startsWith("request body exceeds") ? 413 : 400, error("BadRequestException", e.getMessage()));
                return;
            }
            ExecutionInput.Builder input = ExecutionInput.newExecutionInput()
                    .query(request.path("query").asText())
                    .graphQLContext(Map.of(AppSyncSchema.RESOLVER_CONTEXT, context));
            if (request.hasNonNull("operationName")) {
                input.operationName(request.get("operationName").asText());
            }
            if (request.has("variables") && request.get("variables").isObject()) {
                input.variables(Json.MAPPER.convertValue(request.get("variables"), Map.class));
            }
            ExecutionResult result = graphql.execute(input.build());
            send(exchange, 200, appSyncShape(result));
        } catch (RuntimeException e) {
            LOG.error("GraphQL request failed", e);
            try {
                send(exchange, 500, error("InternalFailure", "internal error; see the CMS Local log"));
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
        }
    }

    private static JsonNode parseRequest(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadInputException("request body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode request = Json.parse(new String(bytes, StandardCharsets.UTF_8));
        if (!request.isObject() || !request.path("query").isTextual() || request.get("query").asText().isBlank()) {
            throw new BadInputException("the body must be a JSON object with a non-empty string 'query'");
        }
        JsonNode variables = request.get("variables");
        if (variables != null && !variables.isNull() && !variables.isObject()) {
            throw new BadInputException("'variables' must be a JSON object");
        }
        return request;
    }

    /** {@code {data, errors}} with each error's {@code errorType} at its top level, as AppSync returns them. */
    private static ObjectNode appSyncShape(ExecutionResult result) {
        ObjectNode out = Json.MAPPER.valueToTree(result.toSpecification());
        JsonNode errors = out.get("errors");
        if (errors != null && errors.isArray()) {
            for (JsonNode e : errors) {
                JsonNode type = e.path("extensions").get("errorType");
                ((ObjectNode) e).put("errorType", type == null ? classify(e) : type.asText());
            }
        }
        return out;
    }

    private static String classify(JsonNode error) {
        String classification = error.path("extensions").path("classification").asText("");
        return classification.isEmpty() ? "GraphQLError" : classification;
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode body = Json.object();
        ArrayNode errors = body.putArray("errors");
        errors.addObject().put("errorType", type).put("message", message);
        return body;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Reads a resource of the classpath (a module's schema file). */
    public static String resource(String path) {
        try (InputStream in = GraphQlHttpServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema " + path + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
