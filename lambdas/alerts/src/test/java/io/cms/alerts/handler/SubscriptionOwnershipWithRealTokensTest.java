package io.cms.alerts.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.AccessDeniedException;
import io.cms.alerts.AlertPublisher;
import io.cms.alerts.AlertRecorder;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.NotificationQueries;
import io.cms.alerts.QueuedMessage;
import io.cms.alerts.UserSubscriptions;
import io.cms.alerts.sns.SnsTopicDirectory;
import io.cms.alerts.testutils.AlertsTables;
import io.cms.alerts.testutils.Configs;
import io.cms.alerts.testutils.FakeSnsClient;
import io.cms.auth.AppSyncAuthorization;
import io.cms.auth.AuthSecrets;
import io.cms.auth.IdpConfigProvider;
import io.cms.auth.TokenValidator;
import io.cms.auth.ValidatorSettings;
import io.cms.auth.handler.AppSyncAuthorizerHandler;
import io.cms.lambda.common.ConfigurationException;
import io.cms.lambda.common.Json;
import io.cms.local.oidc.LocalOidcIssuer;
import io.cms.lambda.common.AuthSetupScopes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may manage whose subscriptions, end to end as AppSync runs it: real access tokens from the
 * loopback OIDC issuer go through the real authorizer handler (signature, issuer, audience, scope
 * checked against the issuer's JWKS over HTTP), and the authorizer's {@code resolverContext} is the
 * only identity the frontend resolver sees. The email in the arguments is never trusted. The publish
 * resolver is checked the same way: only the service client's token (the publish scope) may raise alarms.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionOwnershipWithRealTokensTest {

    private static final String IDP = "cms";
    private static final String VIN = "1HGCM82633A004352";
    private static final String ADMIN_SCOPE = "cms-service-resource-server/cms-admin";
    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";

    private LocalOidcIssuer issuer;
    @RegisterExtension
    static final AlertsTables TABLES = new AlertsTables();
    private AppSyncAuthorizerHandler authorizer;
    private FakeSnsClient sns;
    private FrontendHandler resolver;
    private PublishHandler publishResolver;
    private String aliceToken;
    private String bobToken;
    private String adminToken;

    @BeforeAll
    void start() {
        issuer = LocalOidcIssuer.create().start();
        String secretArn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:cms-idp-config-AbCdEf";
        // Where Auth Setup keeps the IdP configuration: an SSM parameter naming the secret.
        AuthSecrets secrets = new AuthSecrets() {
            @Override
            public String parameter(String name) {
                if (!name.equals(IdpConfigProvider.parameterName(IDP))) {
                    throw new ConfigurationException("cannot read SSM parameter " + name + ": ParameterNotFound");
                }
                return secretArn;
            }

            @Override
            public String secret(String arn) {
                if (!arn.equals(secretArn)) {
                    throw new ConfigurationException("cannot read secret " + arn + ": ResourceNotFoundException");
                }
                return issuer.idpConfigSecretJson();
            }
        };
        TokenValidator validator = TokenValidator.create(secrets, IDP,
                ValidatorSettings.defaults().withIssuerScheme("http"), Clock.systemUTC());
        authorizer = new AppSyncAuthorizerHandler(new AppSyncAuthorization(validator, Duration.ofSeconds(60),
                Clock.systemUTC()));
        String user = AuthSetupScopes.userScope(IDP);
        aliceToken = issuer.mintAccessToken("alice", ALICE, Set.of(user));
        bobToken = issuer.mintAccessToken("bob", BOB, Set.of(user));
        adminToken = issuer.mintAccessToken("ops", "ops@example.com", Set.of(user, ADMIN_SCOPE));
    }

    @AfterAll
    void stop() {
        issuer.close();
    }

    @BeforeEach
    void reset() {
        TABLES.clear();
        sns = new FakeSnsClient();
        AlertsConfig config = Configs.with(Map.of("ADMIN_SCOPES", ADMIN_SCOPE));
        SnsTopicDirectory topics = new SnsTopicDirectory(sns, new SnsTopicDirectory.TopicSettings(
                "alias/k", "u", FakeSnsClient.ARN_PREFIX));
        resolver = new FrontendHandler(new UserSubscriptions(config, TABLES.subscriptions(), topics),
                new NotificationQueries(config, TABLES.notifications(), TABLES.subscriptions()), config);
        // Publish hands the alert straight to create-alerts' recorder (as CMS Local does), so a refused
        // publish is seen to record nothing.
        AlertRecorder recorder = new AlertRecorder(config, TABLES.notifications(), Clock.systemUTC());
        publishResolver = new PublishHandler(Configs.publishScopes(), new AlertPublisher(config, alert -> {
            QueuedMessage message = new QueuedMessage(UUID.randomUUID().toString(), alert.toJson(), Instant.now());
            recorder.record(message);
            return message.messageId();
        }));
    }

    /** What AppSync does: the authorizer decides, then the resolver runs with its resolverContext. */
    private JsonNode call(String token, String type, String field, Map<String, ?> arguments) {
        return call(resolver::handleRequest, token, type, field, arguments);
    }

    private JsonNode call(StreamHandler handler, String token, String type, String field, Map<String, ?> arguments) {
        JsonNode decision = invoke(authorizer::handleRequest,
                Json.object(Map.of("authorizationToken", "Bearer " + token)));
        assertThat(decision.path("isAuthorized").asBoolean()).as("authorizer decision %s", decision).isTrue();
        ObjectNode event = Json.object();
        event.putObject("info").put("parentTypeName", type).put("fieldName", field);
        event.set("arguments", Json.MAPPER.valueToTree(arguments));
        event.putObject("identity").set("resolverContext", decision.get("resolverContext"));
        return invoke(handler, event);
    }

    private JsonNode publish(String token, String message) {
        return call(publishResolver::handleRequest, token, "Mutation", "publish",
                Map.of("vin", VIN, "alarmType", "VEHICLE_ALARM", "message", message));
    }

    private JsonNode subscribe(String token, String email, boolean enabled) {
        return call(token, "Mutation", "updateUserSubscriptions", Map.of("email", email,
                "alarms", List.of(Map.of("alarmType", "VEHICLE_ALARM", "emailEnabled", enabled, "vin", VIN))));
    }

    private JsonNode subscriptionsOf(String token, String email) {
        return call(token, "Query", "getUserSubscriptions", Map.of("email", email));
    }

    @Test
    void aUserReadsAndChangesTheirOwnSubscriptions() {
        assertThat(subscribe(aliceToken, ALICE, true).asBoolean()).isTrue();
        JsonNode own = subscriptionsOf(aliceToken, ALICE);
        assertThat(own.get("email").asText()).isEqualTo(ALICE);
        assertThat(own.get("alarms")).singleElement().satisfies(a -> assertThat(a.get("vin").asText()).isEqualTo(VIN));
    }

    @Test
    void userACannotReadUserBsSubscriptions() {
        subscribe(bobToken, BOB, true);
        assertThatThrownBy(() -> subscriptionsOf(aliceToken, BOB))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("your own email");
    }

    @Test
    void userACannotUnsubscribeUserBAndBobKeepsHisSubscription() {
        subscribe(bobToken, BOB, true);
        assertThatThrownBy(() -> subscribe(aliceToken, BOB, false)).isInstanceOf(AccessDeniedException.class);
        assertThat(TABLES.subscriptions().byEmail(BOB)).hasSize(1);
        assertThat(sns.subscriptionCount(FakeSnsClient.arnOf("CMS-VEHICLE_ALARM-" + VIN))).isEqualTo(1);
    }

    @Test
    void userACannotSubscribeUserBsAddress() {
        assertThatThrownBy(() -> subscribe(aliceToken, BOB, true)).isInstanceOf(AccessDeniedException.class);
        assertThat(TABLES.subscriptions().byEmail(BOB)).isEmpty();
        assertThat(sns.emailsTo(BOB)).isEmpty();
    }

    @Test
    void anAdministratorReadsAndChangesAnyonesSubscriptions() {
        subscribe(bobToken, BOB, true);
        assertThat(subscriptionsOf(adminToken, BOB).get("alarms")).hasSize(1);
        assertThat(subscribe(adminToken, BOB, false).asBoolean()).isTrue();
        assertThat(TABLES.subscriptions().byEmail(BOB)).isEmpty();
        assertThat(subscribe(adminToken, ALICE, true).asBoolean()).isTrue();
        assertThat(subscriptionsOf(aliceToken, ALICE).get("alarms")).hasSize(1);
    }

    @Test
    void aServiceTokenWithoutEmailOwnsNoSubscriptions() {
        String service = issuer.mintServiceToken(Set.of(AuthSetupScopes.serviceScope(IDP)));
        assertThatThrownBy(() -> subscriptionsOf(service, ALICE)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aSignedInUserCannotPublishAFakeAlarmAndNothingIsRecorded() {
        subscribe(bobToken, BOB, true);
        assertThatThrownBy(() -> publish(aliceToken, "fake alarm")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("publish scope");
        // An administrator of subscriptions is not a publisher either.
        assertThatThrownBy(() -> publish(adminToken, "fake alarm")).isInstanceOf(AccessDeniedException.class);
        assertThat(TABLES.notificationCount()).isZero();
    }

    @Test
    void theServiceClientsTokenPublishesAndTheAlertIsRecorded() {
        String service = issuer.mintServiceToken(Set.of(AuthSetupScopes.serviceScope(IDP)));
        assertThat(publish(service, "tyre pressure low").get("status").asText()).isEqualTo("SUCCESS");
        assertThat(TABLES.notificationCount()).isEqualTo(1);
    }

    @Test
    void aTokenFromAnImpostorIssuerIsDeniedBeforeAnyResolverRuns() {
        try (LocalOidcIssuer impostor = LocalOidcIssuer.create().start()) {
            String forged = impostor.mintAccessToken("mallory", BOB, Set.of(AuthSetupScopes.userScope(IDP)));
            JsonNode decision = invoke(authorizer::handleRequest,
                    Json.object(Map.of("authorizationToken", "Bearer " + forged)));
            assertThat(decision.path("isAuthorized").asBoolean()).isFalse();
            assertThat(decision.has("resolverContext")).isFalse();
        }
    }

    private interface StreamHandler {
        void handle(java.io.InputStream in, java.io.OutputStream out, com.amazonaws.services.lambda.runtime.Context c)
                throws IOException;
    }

    private static JsonNode invoke(StreamHandler handler, JsonNode event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handle(new ByteArrayInputStream(Json.write(event).getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }
}
