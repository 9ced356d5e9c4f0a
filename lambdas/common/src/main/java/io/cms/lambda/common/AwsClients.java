package io.cms.lambda.common;

import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds AWS SDK v2 clients the one way every handler should: the lean URL-connection HTTP client
 * (no Apache, no Netty: faster cold starts and smaller jars), the solution user agent, and the
 * region from the environment. Endpoint overrides come from the SDK's own
 * {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} variables, so the same code talks
 * to DynamoDB Local and the other emulators of CMS Local.
 *
 * <p>Call it from a static field or a lazily-initialised holder so a client is built once per
 * container, not per invocation.
 */
public final class AwsClients {

    /** Environment variable carrying the solution user-agent suffix. */
    public static final String USER_AGENT_ENV = "USER_AGENT_STRING";

    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(30))
            .build();

    private AwsClients() {
    }

    /**
     * Configures and builds a client, for example {@code AwsClients.build(DynamoDbClient.builder())}.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder) {
        return build(builder, HTTP);
    }

    /**
     * Like {@link #build(AwsClientBuilder)} with another HTTP client, e.g. {@link JdkSdkHttpClient}
     * for the APIs that use HTTP PATCH, which the URL-connection client cannot send.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, SdkHttpClient http) {
        builder.httpClient(http);
        builder.region(region());
        String userAgent = System.getenv(USER_AGENT_ENV);
        if (userAgent != null && !userAgent.isBlank()) {
            builder.overrideConfiguration(o -> o.putAdvancedOption(
                    SdkAdvancedClientOption.USER_AGENT_SUFFIX, userAgent.trim()));
        }
        return builder.build();
    }

    /**
     * The region from {@code AWS_REGION} (always set in Lambda) or {@code aws.region}; us-east-1
     * otherwise, so local runs never wait on an instance-metadata lookup.
     */
    public static Region region() {
        String fromEnv = System.getenv("AWS_REGION");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Region.of(fromEnv.trim());
        }
        String fromProperty = System.getProperty("aws.region");
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Region.of(fromProperty.trim());
        }
        return Region.US_EAST_1;
    }
}
