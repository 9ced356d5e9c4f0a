package io.cms.config;

import io.cms.lambda.common.customresource.CustomResourceRequest;
import io.cms.lambda.common.customresource.CustomResourceResult;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The deployment UUID: made once on Create and kept as the physical id, so every Update returns
 * the same value (the original returned nothing on Update, breaking any {@code GetAtt}).
 */
public final class DeploymentUuid {

    /** The attribute name other resources read with {@code Fn::GetAtt}. */
    public static final String ATTRIBUTE = "SolutionUUID";

    private final Supplier<UUID> generator;

    public DeploymentUuid() {
        this(UUID::randomUUID);
    }

    public DeploymentUuid(Supplier<UUID> generator) {
        this.generator = generator;
    }

    /** A new UUID as physical id and attribute. */
    public CustomResourceResult create() {
        String uuid = generator.get().toString();
        return new CustomResourceResult(uuid, Map.of(ATTRIBUTE, uuid));
    }

    /** The existing UUID, unchanged. */
    public CustomResourceResult keep(CustomResourceRequest request) {
        String existing = request.physicalResourceId();
        if (existing == null || existing.isBlank()) {
            return create();
        }
        return new CustomResourceResult(existing, Map.of(ATTRIBUTE, existing));
    }
}
