package io.cms.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import io.cms.local.LocalEndpoints;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * The CLI's GraphQL client for CMS Local: a client-credentials token from the local OIDC issuer
 * (the operator's service client named in {@code cms-local.json}), then {@code POST} queries with
 * {@code Authorization: Bearer}. GraphQL errors are thrown with the API's message.
 */
public final class GraphQlClient {

    /** The GraphQL APIs of CMS Local. */
    public enum Api {
        VEHICLES, ALERTS_PUBLISH, ALERTS_FRONTEND
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LocalEndpoints.Oidc oidc;
    private final LocalEndpoints.Graphql graphql;
    private final Path file;
    private String token;

    /**
     * A client for the APIs {@code endpoints} names.
     *
     * @param file the {@code cms-local.json} the endpoints were read from, named in errors
     * @throws ConfigurationException if the file names no GraphQL API or no OIDC issuer
     */
    public GraphQlClient(LocalEndpoints endpoints, Path file) {
        this.file = file;
        if (endpoints.graphql() == null) {
            throw missing("graphql", "the GraphQL APIs");
        }
        if (endpoints.oidc() == null) {
            throw missing("oidc", "the OIDC issuer the CLI gets its token from");
        }
        this.oidc = endpoints.oidc();
        this.graphql = endpoints.graphql();
    }

    /**
     * Runs {@code query} with {@code variables} on one of the APIs; returns {@code data}.
     *
     * @throws ConfigurationException if {@code cms-local.json} names no URL for {@code api} (nothing is called)
     * @throws ApiCallFailedException if the API's answer is not its JSON (a server or transport failure)
     */
    public JsonNode query(Api api, String query, ObjectNode variables) {
        String url = switch (api) {
            case VEHICLES -> required(graphql.url(), "graphql.url", "the vehicles GraphQL API");
            case ALERTS_PUBLISH -> required(graphql.alertsPublishUrl(), "graphql.alertsPublishUrl", "the alerts publish API");
            case ALERTS_FRONTEND -> required(graphql.alertsFrontendUrl(), "graphql.alertsFrontendUrl", "the alerts frontend API");
        };
        required(oidc.tokenEndpoint(), "oidc.tokenEndpoint", "the OIDC token endpoint");
        required(oidc.cliClientId(), "oidc.cliClientId", "the CLI's OIDC client");
        required(oidc.cliClientSecret(), "oidc.cliClientSecret", "the CLI's OIDC client secret");
        return query(url, query, variables);
    }

    private String required(String value, String field, String what) {
        if (value == null || value.isBlank()) {
            throw missing(field, what);
        }
        return value;
    }

    private ConfigurationException missing(String field, String what) {
        return new ConfigurationException(file + " names no " + field + " (" + what + ", which this command needs);"
                + " it may have been written by an older CMS Local or edited: restart CMS Local to rewrite it");
    }

    /** Runs {@code query} with {@code variables} at {@code url}; returns {@code data}. */
    private JsonNode query(String url, String query, ObjectNode variables) {
        ObjectNode body = Json.object().put("query", query);
        body.set("variables", variables == null ? Json.object() : variables);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token())
                .timeout(Duration.ofSeconds(35))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), url);
        if (response.statusCode() == 401) {
            throw new ConfigurationException("the API refused the CLI's token (401); is " + url + " this CMS Local?");
        }
        JsonNode result = jsonAnswer(response, url, "the API");
        JsonNode errors = result.get("errors");
        if (errors != null && errors.isArray() && !errors.isEmpty()) {
            JsonNode first = errors.get(0);
            String message = first.path("message").asText("unknown error");
            String type = first.path("errorType").asText();
            if ("BadInputException".equals(type) || "BadRequestException".equals(type) || "ValidationError".equals(type)) {
                throw new BadInputException(message);
            }
            throw new IllegalStateException(message);
        }
        if (response.statusCode() != 200) {
            throw new ApiCallFailedException("the API at " + url + " answered HTTP " + response.statusCode());
        }
        return result.path("data");
    }

    private String token() {
        if (token != null) {
            return token;
        }
        String basic = Base64.getEncoder().encodeToString((oidc.cliClientId() + ":" + oidc.cliClientSecret())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(oidc.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + URLEncoder.encode("client_credentials", StandardCharsets.UTF_8)))
                .build(), oidc.tokenEndpoint());
        if (response.statusCode() != 200) {
            throw new ConfigurationException("the local OIDC issuer refused the CLI's client (HTTP " + response.statusCode() + ")");
        }
        JsonNode answer = jsonAnswer(response, oidc.tokenEndpoint(), "the local OIDC issuer");
        if (!answer.path("access_token").isTextual() || answer.path("access_token").asText().isBlank()) {
            throw new ApiCallFailedException("the local OIDC issuer at " + oidc.tokenEndpoint() + " answered without an access_token");
        }
        token = answer.path("access_token").asText();
        return token;
    }

    /**
     * The JSON object {@code response} carries; anything else (an HTML error page of a proxy, a
     * truncated body) is a failure of the server or the transport, not of the operator's input.
     */
    private static JsonNode jsonAnswer(HttpResponse<String> response, String url, String who) {
        JsonNode json;
        try {
            json = Json.parse(response.body());
        } catch (BadInputException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            String type = response.headers().firstValue("Content-Type").orElse("no Content-Type");
            throw new ApiCallFailedException(who + " at " + url + " answered HTTP " + response.statusCode()
                    + " with a body that is not JSON (" + type + ": " + excerpt(response.body()) + ")");
        }
        return json;
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "empty";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return "'" + (oneLine.length() > 80 ? oneLine.substring(0, 80) + "..." : oneLine) + "'";
    }

    private HttpResponse<String> send(HttpRequest request, String url) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ConfigurationException("nothing answers at " + url + "; is CMS Local running (make local)?");
        } catch (IOException e) {
            throw new ApiCallFailedException("calling " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
