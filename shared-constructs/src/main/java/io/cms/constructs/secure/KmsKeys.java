package io.cms.constructs.secure;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * Customer-managed KMS keys with the CMS defaults: yearly rotation, retained on stack deletion
 * (data encrypted with it may outlive the stack), and a key policy that lets only AWS services
 * create grants (Control Tower CT.KMS.PR.3), so a principal with key access cannot delegate it.
 */
public final class KmsKeys {

    private KmsKeys() {
    }

    /** A new key for {@code purpose} (used in its description). */
    public static Key create(Construct scope, String id, String purpose) {
        Key key = Key.Builder.create(scope, id)
                .enableKeyRotation(true)
                .description(purpose)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("DenyGrantsExceptForAwsServices")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("kms:CreateGrant"))
                .resources(List.of("*"))
                .conditions(Map.of("BoolIfExists", Map.of(
                        "kms:GrantIsForAWSResource", "false",
                        "aws:PrincipalIsAWSService", "false")))
                .build());
        return key;
    }
}
