package io.cms.local.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.DataFetcherResult;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.TypeRuntimeWiring;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.lambda.common.appsync.FieldResolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AppSync-like GraphQL endpoint server for CMS Local, on the JDK HTTP server, bound to
 * 127.0.0.1. Each endpoint serves one schema (the same {@code schema.graphql} the AppSync API is
 * built from); every {@code Query} and {@code Mutation} field calls the endpoint's
 * {@link FieldResolver} with an {@link AppSyncRequest} built as AppSync builds a direct Lambda
 * resolver event (the field's arguments, {@code identity.resolverContext} from the authorizer),
 * so the Lambda's resolver code runs unchanged. Nested fields are read from the returned JSON.
 *
 * <p>Like AppSync: {@code POST {query, variables, operationName}} → {@code {data, errors}}; a
 * request the authorizer does not accept gets HTTP 401 with an {@code UnauthorizedException}
 * error; a resolver exception is a GraphQL error with the exception's message and its class as
 * {@code errorType}, and the field is null. Beyond AppSync's checks: bounded request size, clear
 * 400 errors for malformed JSON and requests, a query depth limit, and limits on the root fields
 * (resolver calls) and on all the fields one request selects. The {@code Authorization} header
 * and the declared body length are checked before the body is read, and a client has
 * {@value #DEFAULT_MAX_REQUEST_SECONDS} s to send its request ({@link #useDefaultTimeouts()}), so
 * slow clients cannot hold the server's few workers.
 */
public final class GraphQlHttpServer implements AutoCloseable {

    /**
     * Seconds a client has to send a whole request (headers and body) before its connection is
     * closed ({@code sun.net.httpserver.maxReqTime}), unless set otherwise.
     */
    public static final int DEFAULT_MAX_REQUEST_SECONDS = 10;
    /**
     * Seconds a client has to take a whole response ({@code sun.net.httpserver.maxRspTime}),
     * unless set otherwise.
     */
    public static final int DEFAULT_MAX_RESPONSE_SECONDS = 30;
    static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String MAX_RESPONSE_TIME_PROPERTY = "sun.net.httpserver.maxRspTime";
    /** The largest request body accepted. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;
    /** The deepest query accepted (the API's deepest VSS leaf is at depth 9). */
    public static final int DEFAULT_MAX_DEPTH = 15;
    /**
     * The most root fields (resolver calls, aliases included) one request may select; the AppSync
     * API's resolver count limit is the same.
     */
    public static final int DEFAULT_MAX_ROOT_FIELDS = 10;
    /** The most field selections in all one request may make (a whole vehicle is about 100). */
    public static final int DEFAULT_MAX_FIELDS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(GraphQlHttpServer.class);
    private static final String CONTEXT_KEY = "resolverContext";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Function<String, Optional<JsonNode>> authorizer;
    private final int maxRequestBytes;
    private final int maxDepth;
    private final FieldCountInstrumentation fieldCount;

    /**
     * @param port the loopback port, 0 for an ephemeral one
     * @param authorizer from the {@code Authorization} header (null when absent) to the
     *     {@code resolverContext} of an authorized caller, or empty to deny (HTTP 401)
     */
    public GraphQlHttpServer(int port, Function<String, Optional<JsonNode>> authorizer) throws IOException {
        this(port, authorizer, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_DEPTH);
    }

    public GraphQlHttpServer(int port, Function<String, Optional<JsonNode>> authorizer, int maxRequestBytes, int maxDepth)
            throws IOException {
        this(port, authorizer, maxRequestBytes, maxDepth, DEFAULT_MAX_ROOT_FIELDS, DEFAULT_MAX_FIELDS);
    }

    /**
     * @param maxRootFields the most root fields (resolver calls) one request may select
     * @param maxFields the most field selections in all one request may make
     */
    public GraphQlHttpServer(int port, Function<String, Optional<JsonNode>> authorizer, int maxRequestBytes, int maxDepth,
                             int maxRootFields, int maxFields) throws IOException {
        this.authorizer = authorizer;
        this.maxRequestBytes = maxRequestBytes;
        this.maxDepth = maxDepth;
        this.fieldCount = new FieldCountInstrumentation(maxRootFields, maxFields);
        useDefaultTimeouts();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "graphql-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
    }

    /**
     * Bounds how long a client may take to send a request or to read a response: sets
     * {@value #MAX_REQUEST_TIME_PROPERTY} to {@value #DEFAULT_MAX_REQUEST_SECONDS} and
     * {@value #MAX_RESPONSE_TIME_PROPERTY} to {@value #DEFAULT_MAX_RESPONSE_SECONDS} seconds, each
     * unless already set. The JDK HTTP server has no timeouts otherwise, so a few slow clients would
     * hold every worker; it reads these once, when the JVM's first HTTP server is created, so call
     * this before then (the constructor calls it too, for a JVM that starts no other server).
     */
    public static void useDefaultTimeouts() {
        if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, String.valueOf(DEFAULT_MAX_REQUEST_SECONDS));
        }
        if (System.getProperty(MAX_RESPONSE_TIME_PROPERTY) == null) {
            System.setProperty(MAX_RESPONSE_TIME_PROPERTY, String.valueOf(DEFAULT_MAX_RESPONSE_SECONDS));
        }
    }

    /**
     * Serves {@code sdl} at {@code path} with every Query and Mutation field resolved by
     * {@code resolver}. Fails here, not at the first request, when the schema is invalid.
     */
    public GraphQlHttpServer addEndpoint(String path, String sdl, FieldResolver resolver) {
        GraphQL graphQl = build(sdl, resolver);
        server.createContext(path, exchange -> {
            try {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    send(exchange, 404, error("NotFound", "no GraphQL endpoint at " + exchange.getRequestURI().getPath()));
                } else {
                    handle(exchange, graphQl);
                }
            } catch (RuntimeException e) {
                LOG.error("GraphQL request on {} failed", path, e);
                send(exchange, 500, error("InternalFailure", "internal error; see the server log"));
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    public void start() {
        server.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of an endpoint path. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private GraphQL build(String sdl, FieldResolver resolver) {
        TypeDefinitionRegistry types = new SchemaParser().parse(sdl);
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
        for (String root : List.of("Query", "Mutation")) {
            if (types.getType(root).isPresent()) {
                wiring.type(TypeRuntimeWiring.newTypeWiring(root).defaultDataFetcher(fetcher(root, resolver)));
            }
        }
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(types, wiring.build());
        // The field count first: its walk stops at the limit, so the depth walk after it is bounded too.
        return GraphQL.newGraphQL(schema).instrumentation(new ChainedInstrumentation(List.of(
                fieldCount, new MaxQueryDepthInstrumentation(maxDepth)))).build();
    }

    private static DataFetcher<Object> fetcher(String parentType, FieldResolver resolver) {
        return env -> {
            JsonNode context = env.getGraphQlContext().get(CONTEXT_KEY);
            ObjectNode identity = Json.object();
            identity.set(CONTEXT_KEY, context);
            AppSyncRequest request = new AppSyncRequest(parentType, env.getField().getName(),
                    Json.MAPPER.valueToTree(env.getArguments()), identity);
            try {
                JsonNode result = resolver.resolve(request);
                return result == null || result.isNull() ? null : Json.MAPPER.convertValue(result, Object.class);
            } catch (RuntimeException e) {
                if (!(e instanceof BadInputException)) {
                    LOG.warn("{}.{} failed: {}", parentType, request.fieldName(), e.toString());
                }
                GraphQLError error = GraphqlErrorBuilder.newError(env)
                        .message(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        .extensions(Map.of("errorType", e.getClass().getSimpleName())).build();
                return DataFetcherResult.newResult().error(error).build();
            }
        };
    }

    private void handle(HttpExchange exchange, GraphQL graphQl) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().add("Allow", "POST");
            send(exchange, 405, error("MethodNotAllowed", "use POST with a JSON body {query, variables, operationName}"));
            return;
        }
        // The headers decide first: a caller without a valid token or with a too large body never
        // makes a worker wait for its body.
        Optional<JsonNode> context = authorize(exchange.getRequestHeaders().getFirst("Authorization"));
        if (context.isEmpty()) {
            send(exchange, 401, error("UnauthorizedException", "You are not authorized to make this call."));
            return;
        }
        byte[] body = declaredLength(exchange) > maxRequestBytes ? null : readBounded(exchange.getRequestBody());
        if (body == null) {
            send(exchange, 413, error("RequestTooLarge", "the request body exceeds " + maxRequestBytes + " bytes"));
            return;
        }
        JsonNode request;
        try {
            request = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            send(exchange, 400, error("MalformedHttpRequestException", "the body is not valid JSON"));
            return;
        }
        ExecutionInput input;
        try {
            input = input(request, context.get());
        } catch (BadInputException e) {
            send(exchange, 400, error("BadRequestException", e.getMessage()));
            return;
        }
        send(exchange, 200, response(graphQl.execute(input)));
    }

    /** The Content-Length (the JDK server has already answered 400 to a malformed one), or -1 when chunked. */
    private static long declaredLength(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        return length == null ? -1 : Long.parseLong(length.trim());
    }

    private Optional<JsonNode> authorize(String header) {
        try {
            Optional<JsonNode> context = authorizer.apply(header);
            return context == null ? Optional.empty() : context;
        } catch (RuntimeException e) {
            LOG.warn("authorizer failed; request denied: {}", e.toString());
            return Optional.empty();
        }
    }

    private static ExecutionInput input(JsonNode request, JsonNode context) {
        if (!request.isObject()) {
            throw new BadInputException("the body must be a JSON object {query, variables, operationName}");
        }
        JsonNode query = request.get("query");
        if (query == null || !query.isTextual() || query.asText().isBlank()) {
            throw new BadInputException("'query' is required and must be a non-empty string");
        }
        JsonNode variables = request.get("variables");
        if (variables != null && !variables.isNull() && !variables.isObject()) {
            throw new BadInputException("'variables' must be a JSON object");
        }
        JsonNode operation = request.get("operationName");
        if (operation != null && !operation.isNull() && !operation.isTextual()) {
            throw new BadInputException("'operationName' must be a string");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = variables == null || variables.isNull() ? Map.of() : Json.MAPPER.convertValue(variables, Map.class);
        return ExecutionInput.newExecutionInput(query.asText()).variables(vars)
                .operationName(operation == null || operation.isNull() ? null : operation.asText())
                .graphQLContext(Map.of(CONTEXT_KEY, context)).build();
    }

    /** The result as AppSync writes it: {@code data}, and {@code errors} with a top-level {@code errorType}. */
    private static ObjectNode response(ExecutionResult result) {
        Map<String, Object> spec = result.toSpecification();
        ObjectNode out = Json.object();
        out.set("data", Json.MAPPER.valueToTree(spec.get("data")));
        if (!result.getErrors().isEmpty()) {
            ArrayNode errors = out.putArray("errors");
            for (GraphQLError e : result.getErrors()) {
                Map<String, Object> error = new LinkedHashMap<>(e.toSpecification());
                Object extensions = error.get("extensions");
                Object type = extensions instanceof Map<?, ?> m ? m.get("errorType") : null;
                error.put("errorType", type != null ? type : e.getErrorType().toString());
                errors.add(Json.MAPPER.valueToTree(error));
            }
        }
        return out;
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode out = Json.object();
        out.putArray("errors").addObject().put("errorType", type).put("message", message);
        return out;
    }

    private byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > maxRequestBytes) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
