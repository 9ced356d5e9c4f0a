package io.cms.auth.bench;

import io.cms.auth.AppSyncAuthorization;
import io.cms.auth.IdpConfigProvider;
import io.cms.auth.TokenValidator;
import io.cms.auth.testutils.AuthFixture;
import io.cms.auth.testutils.FakeAwsJsonEndpoint;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Auth benchmark: warm validations per second (same token; distinct tokens), and fresh-JVM time
 * from process start to the first validated token through the AppSync authorizer handler, next to a
 * plain AWS SDK handler (one SsmClient, one GetParameter) measured in the same run with the same
 * shaded jar and flags ({@code -XX:TieredStopAtLevel=1}). SSM and Secrets Manager are a loopback
 * AWS JSON endpoint; the issuer is the local OIDC issuer.
 * Run: {@code make bench}, or {@code java -cp <test classpath> io.cms.auth.bench.AuthBench}.
 */
public final class AuthBench {

    private static final int COLD_RUNS = 7;

    private AuthBench() {
    }

    public static void main(String[] args) throws Exception {
        try (AuthFixture fixture = new AuthFixture()) {
            warm(fixture);
            cold(fixture);
        }
    }

    private static void warm(AuthFixture fixture) {
        TokenValidator validator = fixture.validator();
        String token = fixture.userToken("alice");
        for (int i = 0; i < 20_000; i++) {
            check(validator.validate(token).validated());
        }
        int n = 100_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            check(validator.validate(token).validated());
        }
        double perSecond = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("warm validations per second (one thread, same token): %,.0f%n", perSecond);

        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            tokens.add(fixture.userToken("user" + i));
        }
        t0 = System.nanoTime();
        for (String t : tokens) {
            check(validator.validate(t).validated());
        }
        perSecond = tokens.size() / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("warm validations per second (one thread, 5 000 distinct tokens): %,.0f%n", perSecond);

        AppSyncAuthorization authorization = new AppSyncAuthorization(validator, Duration.ofSeconds(60), Clock.systemUTC());
        String bearer = "Bearer " + token;
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            check(Boolean.TRUE.equals(authorization.authorize(bearer).get("isAuthorized")));
        }
        perSecond = n / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("warm authorizer decisions per second (one thread): %,.0f%n", perSecond);
    }

    private static void cold(AuthFixture fixture) throws Exception {
        Path jar = Path.of("lambdas/auth/target/lambdas-auth-lambda.jar");
        if (!Files.isRegularFile(jar)) {
            jar = Path.of("target/lambdas-auth-lambda.jar");
        }
        if (!Files.isRegularFile(jar)) {
            System.out.println("cold start: skipped, build the Lambda jar first (mvn -pl lambdas/auth package)");
            return;
        }
        String testClasses = Path.of(AuthBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String classpath = testClasses + File.pathSeparator + jar.toAbsolutePath();
        String secretArn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:idp-config-AbCdEf";
        try (FakeAwsJsonEndpoint aws = new FakeAwsJsonEndpoint()) {
            aws.parameter(IdpConfigProvider.parameterName("cms"), secretArn)
                    .parameter("/bench/parameter", "value")
                    .secret(secretArn, fixture.issuer.idpConfigSecretJson());
            Map<String, String> env = Map.of(
                    "AWS_ENDPOINT_URL", aws.url(),
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", "bench",
                    "AWS_SECRET_ACCESS_KEY", "bench",
                    "IDENTITY_PROVIDER_ID", "cms",
                    "ISSUER_SCHEME", "http");
            String authEvent = "{\"authorizationToken\":\"Bearer " + fixture.userToken("alice") + "\"}";
            Map<String, String> deployed = new java.util.HashMap<>(env);
            // As the CDK stacks deploy it: the secret ARN resolved from SSM at deploy time.
            deployed.put("IDP_CONFIG_SECRET_ARN", secretArn);
            String authorizer = "io.cms.auth.handler.AppSyncAuthorizerHandler";
            List<Long> sdk = new ArrayList<>();
            List<Long> auth = new ArrayList<>();
            List<Long> authSsm = new ArrayList<>();
            run(classpath, env, SdkBaselineHandler.class.getName(), "{}", "value");
            run(classpath, deployed, authorizer, authEvent, "\"isAuthorized\":true");
            for (int i = 0; i < COLD_RUNS; i++) {
                sdk.add(run(classpath, env, SdkBaselineHandler.class.getName(), "{}", "value"));
                auth.add(run(classpath, deployed, authorizer, authEvent, "\"isAuthorized\":true"));
                authSsm.add(run(classpath, env, authorizer, authEvent, "\"isAuthorized\":true"));
            }
            long sdkMedian = median(sdk);
            long authMedian = median(auth);
            long authSsmMedian = median(authSsm);
            System.out.printf("fresh JVM (-XX:TieredStopAtLevel=1) to first result, median of %d runs:%n", COLD_RUNS);
            System.out.printf("  plain SDK handler (SsmClient + GetParameter): %d ms%n", sdkMedian);
            System.out.printf("  authorizer, first validated token, as deployed (Secrets Manager + JWKS + RS256): %d ms,"
                    + " ratio %.2f (target <= 1.10)%n", authMedian, (double) authMedian / sdkMedian);
            System.out.printf("  authorizer reading the secret ARN from SSM at run time (SSM + Secrets Manager + JWKS +"
                    + " RS256): %d ms, ratio %.2f%n", authSsmMedian, (double) authSsmMedian / sdkMedian);
        }
    }

    private static long run(String classpath, Map<String, String> env, String handler, String event, String expect)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                ColdStartChild.class.getName(), handler, event);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        long start = System.currentTimeMillis();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || !out.contains(expect)) {
            throw new IllegalStateException(handler + " failed in the child JVM: " + out);
        }
        return Long.parseLong(out.substring(0, out.indexOf(' '))) - start;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a benchmark token did not validate");
        }
    }
}
