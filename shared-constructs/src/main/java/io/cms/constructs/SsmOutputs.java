package io.cms.constructs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * Publishes a module's outputs as SSM parameters under {@code /solution/{app}/{short}/...}.
 * Modules share outputs this way, never through CloudFormation exports, so each module can be
 * updated or replaced on its own.
 */
public class SsmOutputs extends Construct {

    private final Naming naming;
    private final Map<String, StringParameter> parameters = new LinkedHashMap<>();

    public SsmOutputs(Construct scope, String id, Naming naming) {
        super(scope, id);
        this.naming = naming;
    }

    /** Publishes {@code value} at {@code /solution/{app}/{short}/{relativePath}}. */
    public StringParameter publish(String relativePath, String value, String description) {
        return publishAt(naming.ssmPath(relativePath), value, description);
    }

    /** Publishes at an absolute path, for the few outputs the original keys differently (VPC, Auth Setup). */
    public StringParameter publishAt(String absolutePath, String value, String description) {
        if (parameters.containsKey(absolutePath)) {
            throw new IllegalArgumentException("SSM output " + absolutePath + " is published twice");
        }
        StringParameter parameter = StringParameter.Builder.create(this, constructId(absolutePath))
                .parameterName(absolutePath)
                .stringValue(value)
                .description(description)
                .build();
        parameters.put(absolutePath, parameter);
        return parameter;
    }

    /** A stable construct id from the path, so adding an output never renames the others. */
    static String constructId(String path) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : path.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        return out.toString();
    }

    /** Every published parameter by path. */
    public Map<String, StringParameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }
}
