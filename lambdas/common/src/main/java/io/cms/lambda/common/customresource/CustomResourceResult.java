package io.cms.lambda.common.customresource;

import java.util.Map;

/**
 * What a custom resource's domain logic returns on success.
 *
 * @param physicalResourceId the physical id to report; changing it on Update makes CloudFormation
 *     delete the old resource
 * @param data attributes readable with {@code Fn::GetAtt}
 */
public record CustomResourceResult(String physicalResourceId, Map<String, String> data) {

    public CustomResourceResult {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** A result without attributes. */
    public static CustomResourceResult of(String physicalResourceId) {
        return new CustomResourceResult(physicalResourceId, Map.of());
    }
}
