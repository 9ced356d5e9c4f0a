package io.cms.constructs.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cms.constructs.Solution;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awscdk.DefaultStackSynthesizer;
import software.amazon.awscdk.IReusableStackSynthesizer;

/**
 * One-click CloudFormation mode: templates that anyone can launch from the CloudFormation console
 * without a CDK bootstrap. Lambda code is read from the regional bucket
 * {@code {assetBucketBaseName}-{AWS::Region}} under {@code {assetKeyPrefix}} (default
 * {@code {solution}/{version}/}), and the templates carry no {@code BootstrapVersion} rule.
 *
 * <p>Turned on with {@code oneClick=true} in CDK context ({@code -c oneClick=true}) or the
 * environment ({@code ONE_CLICK=true}); the bucket base name comes from {@code assetBucketBaseName}
 * / {@code ASSET_BUCKET_BASE_NAME}, the prefix from {@code assetKeyPrefix} / {@code ASSET_KEY_PREFIX}.
 *
 * @param assetBucketBaseName the bucket name without the {@code -{region}} suffix
 * @param assetKeyPrefix the key prefix of every asset, ending with {@code /}
 */
public record OneClick(String assetBucketBaseName, String assetKeyPrefix) {

    /** S3 bucket rules, leaving room for the longest region suffix ({@code -ap-southeast-5} is 15 characters). */
    private static final Pattern BUCKET_BASE = Pattern.compile("^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$");
    private static final Pattern KEY_PREFIX = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}/$");

    public OneClick {
        if (assetBucketBaseName == null || !BUCKET_BASE.matcher(assetBucketBaseName).matches()
                || assetBucketBaseName.contains("..")) {
            throw new IllegalArgumentException("Parameter assetBucketBaseName must be 3-48 lower-case letters, digits"
                    + " or inner dashes (the region is appended to form the bucket name), got '" + assetBucketBaseName + "'");
        }
        if (assetKeyPrefix == null || !KEY_PREFIX.matcher(assetKeyPrefix).matches() || assetKeyPrefix.contains("//")
                || assetKeyPrefix.contains("..")) {
            throw new IllegalArgumentException("Parameter assetKeyPrefix must be a relative S3 key prefix of letters,"
                    + " digits, '.', '_', '-' and '/' ending with '/', got '" + assetKeyPrefix + "'");
        }
    }

    /** The default key prefix, {@code cms-for-java/v0.1.0/}, as in the original's asset layout. */
    public static String defaultKeyPrefix() {
        return Solution.NAME + "/" + Solution.version() + "/";
    }

    /**
     * Reads the settings through {@code lookup} (context key first, then its environment variable).
     * Empty when one-click mode is off; throws naming the parameter when a value is invalid.
     */
    public static Optional<OneClick> from(Function<String, String> lookup) {
        String flag = lookup.apply("oneClick");
        if (flag == null || flag.isBlank() || "false".equalsIgnoreCase(flag.trim())) {
            return Optional.empty();
        }
        if (!"true".equalsIgnoreCase(flag.trim())) {
            throw new IllegalArgumentException("Parameter oneClick must be true or false, got '" + flag + "'");
        }
        String base = lookup.apply("assetBucketBaseName");
        if (base == null || base.isBlank()) {
            throw new IllegalArgumentException("Parameter assetBucketBaseName is required when oneClick=true"
                    + " (the regional asset buckets are named {assetBucketBaseName}-{region})");
        }
        String prefix = lookup.apply("assetKeyPrefix");
        return Optional.of(new OneClick(base.trim(),
                prefix == null || prefix.isBlank() ? defaultKeyPrefix() : withTrailingSlash(prefix.trim())));
    }

    /**
     * The settings of this process: the CDK CLI's context ({@code CDK_CONTEXT_JSON}, which carries
     * {@code cdk.json} and {@code -c} values), then the environment ({@code ONE_CLICK}, ...).
     */
    public static Optional<OneClick> fromProcess() {
        JsonNode cliContext = parseCliContext(System.getenv("CDK_CONTEXT_JSON"));
        return from(key -> {
            JsonNode value = cliContext.get(key);
            if (value != null && !value.isNull() && !value.asText().isBlank()) {
                return value.asText();
            }
            return System.getenv(envName(key));
        });
    }

    /** A synthesizer that points file assets at the regional asset bucket and adds no bootstrap rule. */
    public IReusableStackSynthesizer synthesizer() {
        return DefaultStackSynthesizer.Builder.create()
                .fileAssetsBucketName(assetBucketBaseName + "-${AWS::Region}")
                .bucketPrefix(assetKeyPrefix)
                .generateBootstrapVersionRule(false)
                .build();
    }

    /** {@code assetBucketBaseName} becomes {@code ASSET_BUCKET_BASE_NAME}. */
    static String envName(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    private static String withTrailingSlash(String prefix) {
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }

    private static JsonNode parseCliContext(String json) {
        ObjectMapper mapper = new ObjectMapper();
        if (json == null || json.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(json);
            return node != null && node.isObject() ? node : mapper.createObjectNode();
        } catch (IOException e) {
            throw new IllegalArgumentException("CDK_CONTEXT_JSON is not a JSON object: " + e.getMessage(), e);
        }
    }
}
