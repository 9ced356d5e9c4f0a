package io.cms.local;

import io.cms.lambda.common.BadInputException;
import io.cms.local.ingest.IngestJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How CMS Local runs. Ports 0 mean "any free port" (tests); the defaults are fixed so that the CLI
 * and clients find CMS Local without configuration.
 *
 * @param dataDir the one directory holding every piece of state
 * @param appId the App Unique ID the names derive from (as in AWS)
 * @param mqttPort MQTT over TLS with client certificates
 * @param dynamoPort DynamoDB Local
 * @param httpPort the GraphQL APIs
 * @param oidcPort the local OIDC issuer
 * @param lakeCommitEvery how often buffered telemetry is committed to the lake
 * @param journalSync when a telemetry message counts as stored (and is acknowledged): written to
 *     the ingest journal (survives a crash of CMS Local; synced every 10 ms) or synced to the device
 */
public record CmsLocalSettings(Path dataDir, String appId, int mqttPort, int dynamoPort, int httpPort, int oidcPort,
                               Duration lakeCommitEvery, IngestJournal.SyncPolicy journalSync) {

    public static final int DEFAULT_MQTT_PORT = 8883;
    public static final int DEFAULT_DYNAMO_PORT = 8000;
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_OIDC_PORT = 9000;
    /** The App Unique ID rule of the CDK apps (shared-constructs AppUniqueId), so a local id also deploys. */
    private static final Pattern APP_ID = Pattern.compile("^(?=[a-z])[a-z0-9-]{3,10}(?<!-)$");

    public CmsLocalSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        if (appId == null || !APP_ID.matcher(appId).matches()) {
            throw new BadInputException("app id must be 3-10 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'; got '"
                    + appId + "'");
        }
        port(mqttPort, "--mqtt-port");
        port(dynamoPort, "--dynamodb-port");
        port(httpPort, "--http-port");
        port(oidcPort, "--oidc-port");
        Objects.requireNonNull(lakeCommitEvery, "lakeCommitEvery");
        if (lakeCommitEvery.isNegative() || lakeCommitEvery.isZero()) {
            throw new BadInputException("the lake commit interval must be positive, got " + lakeCommitEvery);
        }
        Objects.requireNonNull(journalSync, "journalSync");
    }

    /** Settings with the default journal sync policy ({@link IngestJournal.SyncPolicy#WRITE}). */
    public CmsLocalSettings(Path dataDir, String appId, int mqttPort, int dynamoPort, int httpPort, int oidcPort,
                            Duration lakeCommitEvery) {
        this(dataDir, appId, mqttPort, dynamoPort, httpPort, oidcPort, lakeCommitEvery, IngestJournal.SyncPolicy.WRITE);
    }

    private static void port(int port, String option) {
        if (port < 0 || port > 65535) {
            throw new BadInputException(option + " must be between 1 and 65535 (or 0 for any free port), got " + port);
        }
    }

    /** The defaults for a data directory. */
    public static CmsLocalSettings defaults(Path dataDir) {
        return new CmsLocalSettings(dataDir, "cms", DEFAULT_MQTT_PORT, DEFAULT_DYNAMO_PORT, DEFAULT_HTTP_PORT,
                DEFAULT_OIDC_PORT, Duration.ofSeconds(5));
    }

    /** Every port 0: for tests that run beside other instances. */
    public static CmsLocalSettings ephemeral(Path dataDir) {
        return new CmsLocalSettings(dataDir, "cms", 0, 0, 0, 0, Duration.ofSeconds(1));
    }

    /** The provisioning template's name, as the Provisioning stack names it. */
    public String provisioningTemplate() {
        return appId + "--provisioning-template";
    }
}
