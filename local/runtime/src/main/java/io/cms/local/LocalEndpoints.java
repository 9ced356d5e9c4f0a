package io.cms.local;

import io.cms.lambda.common.PrivateFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a running CMS Local can be reached: the file {@code <data-dir>/cms-local.json} that the
 * runtime writes when it is up and that the {@code cms} CLI (and anything else on the machine)
 * reads. File paths in it are relative to the data directory, so the directory can move.
 *
 * <pre>{@code
 * {"mqtt":{"host":"127.0.0.1","port":8883,"caFile":"pki/ca.pem"},
 *  "claim":{"certFile":"claim/cert.pem","keyFile":"claim/key.pem","templateName":"cms--provisioning-template"},
 *  "dynamodb":{"endpoint":"http://127.0.0.1:8000","region":"us-east-1",
 *              "authorizedTable":"cms-AuthorizedVehicles","provisionedTable":"cms-ProvisionedVehicles"},
 *  "graphql":{"url":"http://127.0.0.1:8080/graphql","alertsPublishUrl":"...","alertsFrontendUrl":"..."},
 *  "oidc":{"issuer":"http://127.0.0.1:9000","tokenEndpoint":"...","cliClientId":"...","cliClientSecret":"..."}}
 * }</pre>
 *
 * <p>{@code mqtt}, {@code claim} and {@code dynamodb} are required; {@code graphql} and
 * {@code oidc} are null until those parts run.
 *
 * @param mqtt the vehicle broker
 * @param claim the fleet-provisioning claim certificate
 * @param dynamodb DynamoDB Local and the registry tables
 * @param graphql the GraphQL APIs, or null
 * @param oidc the local OIDC issuer, or null
 */
public record LocalEndpoints(Mqtt mqtt, Claim claim, Dynamodb dynamodb, Graphql graphql, Oidc oidc) {

    /** The file name inside the data directory. */
    public static final String FILE = "cms-local.json";
    /** The data directory the CLI uses when neither {@code --local} nor {@code CMS_LOCAL_DIR} names one. */
    public static final String DEFAULT_DIR = ".cms-local";
    /** The environment variable naming the data directory. */
    public static final String DIR_ENV = "CMS_LOCAL_DIR";

    /** MQTT over TLS; {@code caFile} is relative to the data directory. */
    public record Mqtt(String host, int port, String caFile) {
    }

    /** The claim certificate and key (PKCS#8) files, relative to the data directory, and the template name. */
    public record Claim(String certFile, String keyFile, String templateName) {
    }

    /** DynamoDB Local and the two registry tables. */
    public record Dynamodb(String endpoint, String region, String authorizedTable, String provisionedTable) {
    }

    /** The GraphQL endpoints. */
    public record Graphql(String url, String alertsPublishUrl, String alertsFrontendUrl) {
    }

    /** The OIDC issuer and the client the CLI uses (client credentials). */
    public record Oidc(String issuer, String tokenEndpoint, String cliClientId, String cliClientSecret) {
    }

    public LocalEndpoints {
        if (mqtt == null || claim == null || dynamodb == null) {
            throw new IllegalArgumentException("mqtt, claim and dynamodb are required");
        }
    }

    /** What a running instance offers. */
    public static LocalEndpoints of(CmsLocal local) {
        Path dir = local.settings().dataDir().toAbsolutePath();
        var issuer = local.auth().issuer();
        return new LocalEndpoints(
                new Mqtt("127.0.0.1", local.mqttPort(), relative(dir, local.caFile())),
                new Claim(relative(dir, local.claimCertificateFile()), relative(dir, local.claimKeyFile()),
                        local.settings().provisioningTemplate()),
                new Dynamodb(local.dynamo().endpoint().toString(), "us-east-1", local.tables().authorizedVehicles(),
                        local.tables().provisionedVehicles()),
                new Graphql(local.url(CmsLocal.API_PATH), local.url(CmsLocal.ALERTS_PUBLISH_PATH),
                        local.url(CmsLocal.ALERTS_FRONTEND_PATH)),
                new Oidc(issuer.issuerUrl(), issuer.tokenEndpoint(), issuer.serviceClient().clientId(),
                        issuer.serviceClient().clientSecret()));
    }

    /**
     * The data directory to use: {@code option} if given, else {@code $CMS_LOCAL_DIR}, else
     * {@code ./.cms-local}.
     */
    public static Path dataDir(Path option, String env) {
        if (option != null) {
            return option;
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(DEFAULT_DIR);
    }

    /**
     * Reads {@code <dataDir>/cms-local.json}.
     *
     * @throws BadInputException if there is no data directory or no file (CMS Local is not running there)
     * @throws ConfigurationException if the file is malformed or lacks a required field
     */
    public static LocalEndpoints read(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            throw new BadInputException("no CMS Local data directory at " + dataDir
                    + ": start CMS Local (make local) or pass --local DIR / set " + DIR_ENV);
        }
        Path file = dataDir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException("CMS Local is not running in " + dataDir + " (no " + FILE + "): start it with make local");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (BadInputException e) {
            throw new ConfigurationException(file + " is not valid JSON: " + e.getMessage());
        }
        try {
            JsonNode m = section(root, "mqtt", true);
            JsonNode c = section(root, "claim", true);
            JsonNode d = section(root, "dynamodb", true);
            JsonNode g = section(root, "graphql", false);
            JsonNode o = section(root, "oidc", false);
            return new LocalEndpoints(
                    new Mqtt(text(m, "mqtt", "host"), port(m), text(m, "mqtt", "caFile")),
                    new Claim(text(c, "claim", "certFile"), text(c, "claim", "keyFile"), text(c, "claim", "templateName")),
                    new Dynamodb(url(d, "dynamodb", "endpoint"), text(d, "dynamodb", "region"),
                            text(d, "dynamodb", "authorizedTable"), text(d, "dynamodb", "provisionedTable")),
                    g == null ? null : new Graphql(url(g, "graphql", "url"), Json.optionalText(g, "alertsPublishUrl"),
                            Json.optionalText(g, "alertsFrontendUrl")),
                    o == null ? null : new Oidc(url(o, "oidc", "issuer"), Json.optionalText(o, "tokenEndpoint"),
                            Json.optionalText(o, "cliClientId"), Json.optionalText(o, "cliClientSecret")));
        } catch (ConfigurationException e) {
            throw new ConfigurationException(file + ": " + e.getMessage());
        }
    }

    /** Writes {@code <dataDir>/cms-local.json} atomically (readers never see half a file); owner-only, as it holds a client secret. */
    public void write(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            ObjectNode root = Json.MAPPER.valueToTree(this);
            PrivateFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Removes the file (CMS Local stopped); nothing happens when it is absent. */
    public static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDir.resolve(FILE), e);
        }
    }

    /** A file named in the endpoints, resolved against the data directory. */
    public static Path resolve(Path dataDir, String file) {
        return dataDir.resolve(file);
    }

    private static String relative(Path dir, Path file) {
        Path abs = file.toAbsolutePath();
        return abs.startsWith(dir) ? dir.relativize(abs).toString() : abs.toString();
    }

    private static JsonNode section(JsonNode root, String name, boolean required) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                throw new ConfigurationException("'" + name + "' is missing");
            }
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigurationException("'" + name + "' must be an object");
        }
        return node;
    }

    private static String text(JsonNode node, String section, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw new ConfigurationException("'" + section + "." + field + "' must be a non-empty string");
        }
        return v.textValue();
    }

    private static String url(JsonNode node, String section, String field) {
        String v = text(node, section, field);
        try {
            URI uri = URI.create(v);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("'" + section + "." + field + "' is not a URL: " + v);
        }
        return v;
    }

    private static int port(JsonNode mqtt) {
        JsonNode v = mqtt.get("port");
        if (v == null || !v.isIntegralNumber() || v.intValue() < 1 || v.intValue() > 65_535) {
            throw new ConfigurationException("'mqtt.port' must be a port number (1-65535)");
        }
        return v.intValue();
    }
}
