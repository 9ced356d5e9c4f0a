package io.cms.provisioning.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cms.lambda.common.Json;
import io.cms.provisioning.claim.SecretStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Secrets Manager's JSON 1.1 wire protocol on 127.0.0.1 ({@code X-Amz-Target: secretsmanager.<Op>}),
 * served from an {@link InMemorySecretStore}, so the SDK adapter is tested through the real client.
 * Errors come back as HTTP 400 with the service's {@code __type} names.
 */
public final class SecretsManagerHttpFake implements AutoCloseable {

    private final InMemorySecretStore store;
    private final HttpServer server;

    public SecretsManagerHttpFake(InMemorySecretStore store) throws IOException {
        this.store = store;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        JsonNode in = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        int status = 200;
        ObjectNode out = Json.object();
        try {
            String op = target == null ? "" : target.substring(target.indexOf('.') + 1);
            String id = Json.optionalText(in, "SecretId");
            switch (op) {
                case "DescribeSecret" -> {
                    SecretStore.Description d = store.describe(id).orElseThrow(() -> notFound(id));
                    out.put("ARN", d.arn());
                    if (d.kmsKeyId() != null) {
                        out.put("KmsKeyId", d.kmsKeyId());
                    }
                    out.put("RotationEnabled", d.rotationEnabled());
                    ObjectNode versions = out.putObject("VersionIdsToStages");
                    d.versionStages().forEach((v, labels) -> labels.forEach(versions.withArray(v)::add));
                }
                case "GetSecretValue" -> {
                    String stage = Optional.ofNullable(Json.optionalText(in, "VersionStage")).orElse(SecretStore.CURRENT);
                    String versionId = Json.optionalText(in, "VersionId");
                    SecretStore.Version v = (versionId == null ? store.valueAt(id, stage) : store.value(id, versionId, stage))
                            .orElseThrow(() -> notFound(id));
                    out.put("ARN", store.describe(id).orElseThrow().arn());
                    out.put("VersionId", v.versionId());
                    out.put("SecretString", v.value());
                }
                case "CreateSecret" -> out.put("ARN", store.create(Json.requiredText(in, "Name"),
                        Json.optionalText(in, "KmsKeyId"), Json.optionalText(in, "Description"),
                        Json.requiredText(in, "SecretString")));
                case "PutSecretValue" -> {
                    Set<String> stages = new LinkedHashSet<>();
                    in.path("VersionStages").forEach(s -> stages.add(s.asText()));
                    if (stages.isEmpty()) {
                        stages.add(SecretStore.CURRENT);
                    }
                    store.putValue(id, Json.requiredText(in, "ClientRequestToken"), Json.requiredText(in, "SecretString"),
                            stages);
                }
                case "UpdateSecret" -> store.reencrypt(id, Json.optionalText(in, "KmsKeyId"),
                        Json.requiredText(in, "SecretString"));
                case "UpdateSecretVersionStage" -> store.moveStage(id, Json.requiredText(in, "VersionStage"),
                        Json.requiredText(in, "MoveToVersionId"), Json.optionalText(in, "RemoveFromVersionId"));
                default -> throw new IllegalStateException("InvalidRequestException: unsupported operation " + target);
            }
        } catch (IllegalStateException e) {
            status = 400;
            String message = e.getMessage();
            int colon = message.indexOf(':');
            out = Json.object();
            out.put("__type", colon > 0 ? message.substring(0, colon) : "InternalServiceError");
            out.put("message", message);
        }
        byte[] body = Json.write(out).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static IllegalStateException notFound(String id) {
        return new IllegalStateException("ResourceNotFoundException: Secrets Manager can't find the specified secret " + id);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
