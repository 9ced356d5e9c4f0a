package io.cms.config;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.customresource.CustomResourceRequest;
import io.cms.lambda.common.customresource.CustomResourceResult;
import java.util.Map;

/**
 * The SSM lookup custom resource other modules use to read Config values at deploy time
 * (resource property {@code ParameterName}, attribute {@code parameter_value}). Only parameters
 * under the allowed prefix ({@code /solution/{app}/config/}) can be read, matching its IAM policy,
 * and a missing parameter FAILS the stack operation with its name.
 */
public final class ParameterLookup {

    /** The attribute name, kept from the original. */
    public static final String ATTRIBUTE = "parameter_value";

    private final ParameterStore store;
    private final String allowedPrefix;

    public ParameterLookup(ParameterStore store, String allowedPrefix) {
        this.store = store;
        this.allowedPrefix = allowedPrefix;
    }

    /** Reads the parameter named by the request. */
    public CustomResourceResult lookup(CustomResourceRequest request) {
        String name = request.property("ParameterName");
        if (!name.startsWith(allowedPrefix)) {
            throw new BadInputException("ParameterName " + name + " is outside " + allowedPrefix);
        }
        String value = store.get(name)
                .orElseThrow(() -> new BadInputException("SSM parameter " + name + " does not exist; deploy the module that writes it first"));
        return new CustomResourceResult(name, Map.of(ATTRIBUTE, value));
    }
}
