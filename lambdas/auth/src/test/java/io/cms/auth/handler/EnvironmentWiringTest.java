package io.cms.auth.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.auth.IdpConfigProvider;
import io.cms.auth.bench.ColdStartChild;
import io.cms.auth.testutils.AuthFixture;
import io.cms.auth.testutils.FakeAwsJsonEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The handlers as Lambda builds them (no-argument constructors reading the environment), each run in
 * a child JVM against a loopback AWS JSON endpoint (SSM, Secrets Manager) and the local issuer.
 */
class EnvironmentWiringTest {

    private static final String IDP_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:idp-AbCdEf";
    private static final String FLOW_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:flow-AbCdEf";

    private static AuthFixture fixture;
    private static FakeAwsJsonEndpoint aws;

    @BeforeAll
    static void start() throws Exception {
        fixture = new AuthFixture();
        aws = new FakeAwsJsonEndpoint()
                .parameter(IdpConfigProvider.parameterName("cms"), IDP_ARN)
                .secret(IDP_ARN, fixture.issuer.idpConfigSecretJson())
                .secret(FLOW_ARN, "{\"token_endpoint\":\"" + fixture.issuer.tokenEndpoint() + "\",\"client_id\":\""
                        + fixture.issuer.usersClient().clientId() + "\",\"client_secret\":\"wrong\"}");
    }

    @AfterAll
    static void stop() {
        aws.close();
        fixture.close();
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL", aws.url());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("IDENTITY_PROVIDER_ID", "cms");
        env.put("ISSUER_SCHEME", "http");
        return env;
    }

    private static String run(Map<String, String> env, Class<?> handler, String event) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ColdStartChild.class.getName(), handler.getName(), event);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out.substring(out.indexOf(' ') + 1);
    }

    @Test
    void tokenValidationReadsTheSecretArnFromSsmWhenNotGiven() throws Exception {
        String out = run(env(), TokenValidationHandler.class, "{\"Token\":\"" + fixture.userToken("alice") + "\"}");
        assertThat(out).contains("\"validated\":true").contains("\"status_code\":200");
    }

    @Test
    void authorizerUsesTheSecretArnFromTheEnvironment() throws Exception {
        Map<String, String> env = env();
        env.put("IDP_CONFIG_SECRET_ARN", IDP_ARN);
        String out = run(env, AppSyncAuthorizerHandler.class,
                "{\"authorizationToken\":\"Bearer " + fixture.userToken("alice") + "\"}");
        assertThat(out).contains("\"isAuthorized\":true").contains("\"username\":\"alice\"");
    }

    @Test
    void codeExchangeUsesItsSecretFromTheEnvironment() throws Exception {
        Map<String, String> env = env();
        env.put("CODE_FLOW_CONFIG_SECRET_ARN", FLOW_ARN);
        // The secret holds a wrong client secret: the local issuer refuses the client, which proves the
        // handler reached the token endpoint named in that secret.
        String out = run(env, AuthorizationCodeExchangeHandler.class,
                "{\"AuthorizationCode\":\"c\",\"RedirectUri\":\"http://localhost/callback\",\"CodeVerifier\":\"v\"}");
        assertThat(out).contains("\"status_code\":500").contains("invalid_client");
    }
}
