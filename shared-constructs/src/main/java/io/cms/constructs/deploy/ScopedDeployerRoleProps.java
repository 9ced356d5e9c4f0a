package io.cms.constructs.deploy;

import io.cms.constructs.CmsContext;
import java.util.Objects;

/**
 * Properties of {@link ScopedDeployerRole}.
 *
 * @param context the deployment whose stacks the role may manage (App Unique ID, VPC name and
 *        identity provider id give the name prefixes); required
 * @param assetBucketBaseName the one-click asset bucket base name; the role may read Lambda code
 *        from {@code {assetBucketBaseName}-{region}} only; required
 * @param roleName an explicit role name; default: CloudFormation generates one
 */
public record ScopedDeployerRoleProps(CmsContext context, String assetBucketBaseName, String roleName) {

    public ScopedDeployerRoleProps {
        Objects.requireNonNull(context, "context");
        // validates the bucket base name with the same rule as the one-click synthesizer
        new OneClick(assetBucketBaseName, OneClick.defaultKeyPrefix());
    }

    /** Props with a generated role name. */
    public static ScopedDeployerRoleProps of(CmsContext context, String assetBucketBaseName) {
        return new ScopedDeployerRoleProps(context, assetBucketBaseName, null);
    }
}
