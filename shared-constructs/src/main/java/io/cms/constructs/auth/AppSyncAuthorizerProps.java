package io.cms.constructs.auth;

import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ec2.IVpc;

/**
 * Properties of an {@link AppSyncAuthorizer}. Defaults live here, apart from the build code.
 *
 * @param identityProviderId the Auth Setup identity provider id whose IdP-config secret the
 *        authorizer reads ({@code /solution/auth/{idp}/idp-config/secret/arn}); usually
 *        {@code stack.cmsContext().identityProviderId()}
 * @param name the function's name suffix; the physical name is {@code {app}-{short}-{name}};
 *        default {@value #DEFAULT_NAME}
 * @param resultsCacheTtl how long AppSync caches an authorization result per token; default
 *        {@link #DEFAULT_RESULTS_CACHE_TTL} (the handler also caps its {@code ttlOverride} at the
 *        token's remaining lifetime, so a cached "allow" never outlives the token)
 * @param vpc optional VPC placement of the function; default none
 */
public record AppSyncAuthorizerProps(String identityProviderId, String name, Duration resultsCacheTtl, IVpc vpc) {

    /** The default function name suffix. */
    public static final String DEFAULT_NAME = "authorizer";
    /**
     * One minute: short enough that a disabled user or a rotated key stops working quickly,
     * long enough that a page of GraphQL calls costs one Lambda invocation. The original cached 5 minutes.
     */
    public static final Duration DEFAULT_RESULTS_CACHE_TTL = Duration.seconds(60);
    /** The authorizer handler in the {@code lambdas/auth} jar. */
    public static final String HANDLER = "io.cms.auth.handler.AppSyncAuthorizerHandler";
    /** The {@code lambdas/<module>} folder holding the handler. */
    public static final String LAMBDA_MODULE = "auth";

    public AppSyncAuthorizerProps {
        Objects.requireNonNull(identityProviderId, "identityProviderId");
        name = name == null ? DEFAULT_NAME : name;
        resultsCacheTtl = resultsCacheTtl == null ? DEFAULT_RESULTS_CACHE_TTL : resultsCacheTtl;
        double seconds = resultsCacheTtl.toSeconds().doubleValue();
        if (seconds < 0 || seconds > 3600) {
            throw new IllegalArgumentException("resultsCacheTtl must be between 0 and 3600 seconds (the AppSync limit), got "
                    + seconds);
        }
    }

    /** Props with every default, for the given identity provider. */
    public static AppSyncAuthorizerProps of(String identityProviderId) {
        return new AppSyncAuthorizerProps(identityProviderId, null, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private String identityProviderId;
        private String name;
        private Duration resultsCacheTtl;
        private IVpc vpc;

        public Builder identityProviderId(String v) { this.identityProviderId = v; return this; }
        public Builder name(String v) { this.name = v; return this; }
        public Builder resultsCacheTtl(Duration v) { this.resultsCacheTtl = v; return this; }
        public Builder vpc(IVpc v) { this.vpc = v; return this; }

        public AppSyncAuthorizerProps build() {
            return new AppSyncAuthorizerProps(identityProviderId, name, resultsCacheTtl, vpc);
        }
    }
}
