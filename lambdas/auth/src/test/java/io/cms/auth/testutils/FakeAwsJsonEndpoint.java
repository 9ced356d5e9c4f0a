package io.cms.auth.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback endpoint speaking the AWS JSON 1.1 protocol for the two calls the Auth Lambdas make:
 * {@code AmazonSSM.GetParameter} and {@code secretsmanager.GetSecretValue}. Unknown names answer
 * the services' not-found errors. Used by the benchmark (SDK clients pointed here through
 * {@code AWS_ENDPOINT_URL}) and by the SDK adapter test.
 */
public final class FakeAwsJsonEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> parameters = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    public FakeAwsJsonEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeAwsJsonEndpoint parameter(String name, String value) {
        parameters.put(name, value);
        return this;
    }

    public FakeAwsJsonEndpoint secret(String arn, String secretString) {
        secrets.put(arn, secretString);
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode body = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = 200;
            Object answer;
            if (target.equals("AmazonSSM.GetParameter")) {
                String name = body.path("Name").asText();
                String value = parameters.get(name);
                if (value == null) {
                    status = 400;
                    answer = Map.of("__type", "ParameterNotFound", "message", "Parameter " + name + " not found.");
                } else {
                    answer = Map.of("Parameter", Map.of("Name", name, "Type", "String", "Value", value, "Version", 1));
                }
            } else if (target.equals("secretsmanager.GetSecretValue")) {
                String id = body.path("SecretId").asText();
                String value = secrets.get(id);
                if (value == null) {
                    status = 400;
                    answer = Map.of("__type", "ResourceNotFoundException",
                            "message", "Secrets Manager can't find the specified secret.");
                } else {
                    answer = Map.of("ARN", id, "Name", id, "SecretString", value, "VersionId", "v1");
                }
            } else {
                status = 400;
                answer = Map.of("__type", "UnknownOperationException", "message", "unsupported: " + target);
            }
            byte[] bytes = Json.write(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
