package io.cms.auth;

import io.cms.lambda.common.TtlCache;
import java.time.Clock;
import java.time.Duration;

/**
 * The IdP config of one identity provider: SSM {@code /solution/auth/{idp}/idp-config/secret/arn}
 * names the secret, whose JSON is parsed and cached for a real TTL (the original cached it for the
 * container's life). A failed load is not cached, so a fixed secret is picked up on the next call.
 *
 * <p>When the secret ARN is already known (the CDK stacks resolve that parameter at deploy time into
 * {@code IDP_CONFIG_SECRET_ARN}, the same value their IAM grant is scoped to), the SSM read is
 * skipped: one AWS client and one call less on a cold start.
 */
public final class IdpConfigProvider {

    private final AuthSecrets secrets;
    private final String parameterName;
    private final String secretArn;
    private final TtlCache<String, IdpConfig> cache;

    /** Reads the secret ARN from SSM. */
    public IdpConfigProvider(AuthSecrets secrets, String identityProviderId, Duration ttl, Clock clock) {
        this(secrets, identityProviderId, null, ttl, clock);
    }

    /**
     * @param secretArn the IdP-config secret ARN when known, or null to read it from SSM
     */
    public IdpConfigProvider(AuthSecrets secrets, String identityProviderId, String secretArn, Duration ttl,
                             Clock clock) {
        this.secrets = secrets;
        this.parameterName = parameterName(identityProviderId);
        this.secretArn = secretArn == null || secretArn.isBlank() ? null : secretArn.trim();
        this.cache = new TtlCache<>(ttl, clock, 1);
    }

    /** {@code /solution/auth/{idp}/idp-config/secret/arn}. */
    public static String parameterName(String identityProviderId) {
        return "/solution/auth/" + identityProviderId + "/idp-config/secret/arn";
    }

    /**
     * The current config.
     *
     * @throws io.cms.lambda.common.ConfigurationException when it cannot be read or is invalid
     */
    public IdpConfig get() {
        return cache.get(parameterName, name -> {
            String arn = secretArn != null ? secretArn : secrets.parameter(name);
            return IdpConfig.parse(secrets.secret(arn), "secret " + arn);
        });
    }
}
