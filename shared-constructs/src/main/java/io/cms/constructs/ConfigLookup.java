package io.cms.constructs;

import java.util.Map;
import software.amazon.awscdk.CustomResource;
import software.constructs.Construct;

/**
 * Reads a Config module parameter at deploy time through Config's SSM lookup custom resource
 * ({@code Custom::SsmParameters}), the way later modules learn the VPC name or the identity
 * provider id. A missing parameter fails the deployment with its name.
 */
public final class ConfigLookup {

    private ConfigLookup() {
    }

    /**
     * The value of {@code /solution/{app}/config/{relativePath}} as a deploy-time token.
     *
     * @param scope where the custom resource is created
     * @param id its construct id
     * @param stack the module stack (for naming)
     * @param relativePath e.g. {@code vpc/name}
     */
    public static String value(Construct scope, String id, CmsModuleStack stack, String relativePath) {
        Naming naming = stack.naming();
        CustomResource lookup = CustomResource.Builder.create(scope, id)
                .serviceToken(CmsModuleStack.resolveSsm(naming.ssmPathOf(CmsModule.CONFIG, "aws-resource-lookup-lambda/arn")))
                .resourceType("Custom::SsmParameters")
                .properties(Map.of(
                        "Resource", "SsmParameters",
                        "ParameterName", naming.ssmPathOf(CmsModule.CONFIG, relativePath)))
                .build();
        if (stack.registration() != null) {
            lookup.getNode().addDependency(stack.registration());
        }
        return lookup.getAttString("parameter_value");
    }
}
