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
    private String token;

    public GraphQlClient(LocalEndpoints endpoints) {
        if (endpoints.oidc() == null || endpoints.graphql() == null) {
            throw new ConfigurationException(LocalEndpoints.FILE + " names no GraphQL API or OIDC issuer; restart CMS Local");
        }
        this.oidc = endpoints.oidc();
        this.graphql = endpoints.graphql();
    }

    /** Runs {@code query} with {@code variables} on one of the APIs; returns {@code data}. */
    public JsonNode query(Api api, String query, ObjectNode variables) {
        return query(switch (api) {
            case VEHICLES -> graphql.url();
            case ALERTS_PUBLISH -> graphql.alertsPublishUrl();
            case ALERTS_FRONTEND -> graphql.alertsFrontendUrl();
        }, query, variables);
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
        JsonNode result = Json.parse(response.body());
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
            throw new IllegalStateException("the API answered HTTP " + response.statusCode());
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
        token = Json.requiredText(Json.parse(response.body()), "access_token");
        return token;
    }

    private HttpResponse<String> send(HttpRequest request, String url) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ConfigurationException("nothing answers at " + url + "; is CMS Local running (make local)?");
        } catch (IOException e) {
            throw new IllegalStateException("calling " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
