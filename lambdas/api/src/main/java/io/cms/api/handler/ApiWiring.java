package io.cms.api.handler;

import io.cms.api.LatestStateStore;
import io.cms.api.LatestStateUpdater;
import io.cms.api.VehicleApi;
import io.cms.api.history.AthenaHistoryEngine;
import io.cms.api.history.Dialect;
import io.cms.api.history.HistoryQueryBuilder;
import io.cms.api.history.HistoryTokens;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.lambda.common.AwsClients;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.EnvConfig;
import io.cms.vss.LakeSchema;
import io.cms.vss.VssCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the production objects of the API's functions from their environment:
 * <ul>
 *   <li>both: {@code LATEST_STATE_TABLE}</li>
 *   <li>resolver: {@code GLUE_DATABASE_NAME}, {@code GLUE_TABLE_NAME}, {@code ATHENA_WORKGROUP},
 *       {@code NEXT_TOKEN_KEY_SECRET_ARN} (the Secrets Manager secret holding the history-token key:
 *       base64, at least 32 bytes, the same for every instance; read once at start, so the key is
 *       never in the function's configuration) or, for local runs and tests, {@code NEXT_TOKEN_KEY}
 *       with the key itself,
 *       {@code HISTORY_BUDGET_SECONDS} (default 20, at most 25: AppSync gives up at 30 s)</li>
 * </ul>
 */
final class ApiWiring {

    private static final Pattern GLUE_NAME = Pattern.compile("^[a-z0-9_-]{1,255}$");

    private final EnvConfig env;
    private final VssCatalog catalog = VssCatalog.load();

    ApiWiring(EnvConfig env) {
        this.env = env;
    }

    static ApiWiring fromSystem() {
        return new ApiWiring(EnvConfig.fromSystem());
    }

    LatestStateStore store() {
        return new LatestStateStore(AwsClients.build(DynamoDbClient.builder()), env.required("LATEST_STATE_TABLE"));
    }

    LatestStateUpdater updater() {
        return new LatestStateUpdater(new TelemetryValidator(catalog), store());
    }

    VehicleApi api() {
        LakeSchema lake = new LakeSchema(catalog);
        String table = "\"" + glueName("GLUE_DATABASE_NAME") + "\".\"" + glueName("GLUE_TABLE_NAME") + "\"";
        Duration budget = Duration.ofSeconds(env.integer("HISTORY_BUDGET_SECONDS", 20, 1, 25));
        return new VehicleApi(store(), lake, new HistoryQueryBuilder(lake, table, Dialect.ATHENA),
                new AthenaHistoryEngine(AwsClients.build(AthenaClient.builder()), env.required("ATHENA_WORKGROUP")),
                new HistoryTokens(tokenKey(() -> AwsClients.build(SecretsManagerClient.builder()))), budget, Clock.systemUTC());
    }

    private String glueName(String variable) {
        String name = env.required(variable);
        if (!GLUE_NAME.matcher(name).matches()) {
            throw new ConfigurationException(variable + " is not a Glue name (lower-case letters, digits, _ and -)");
        }
        return name;
    }

    /** The history-token key, from the secret named by {@code NEXT_TOKEN_KEY_SECRET_ARN} or from {@code NEXT_TOKEN_KEY}. */
    byte[] tokenKey(Supplier<SecretsManagerClient> secrets) {
        String arn = env.optional("NEXT_TOKEN_KEY_SECRET_ARN", "");
        if (arn.isBlank()) {
            String key = env.optional("NEXT_TOKEN_KEY", "");
            if (key.isBlank()) {
                throw new ConfigurationException("set NEXT_TOKEN_KEY_SECRET_ARN (the history-token key's secret) or NEXT_TOKEN_KEY");
            }
            return tokenKey(key);
        }
        String value;
        try (SecretsManagerClient client = secrets.get()) {
            value = client.getSecretValue(r -> r.secretId(arn)).secretString();
        } catch (SdkException e) {
            throw new ConfigurationException("cannot read the history-token key from NEXT_TOKEN_KEY_SECRET_ARN " + arn + ": "
                    + e.getMessage());
        }
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("the secret NEXT_TOKEN_KEY_SECRET_ARN " + arn + " holds no string value");
        }
        return tokenKey(value.trim());
    }

    static byte[] tokenKey(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("NEXT_TOKEN_KEY is not base64");
        }
        if (key.length < 32) {
            throw new ConfigurationException("NEXT_TOKEN_KEY must hold at least 32 bytes, has " + key.length);
        }
        return key;
    }
}
