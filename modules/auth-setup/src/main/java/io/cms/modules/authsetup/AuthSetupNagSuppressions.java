package io.cms.modules.authsetup;

import io.cms.constructs.nag.Nag;

/**
 * Every cdk-nag suppression of the Auth Setup module, in one place; each names the exact finding
 * and why it does not apply.
 */
final class AuthSetupNagSuppressions {

    private AuthSetupNagSuppressions() {
    }

    static void apply(AuthSetupStack stack) {
        stack.secrets().values().forEach(secret -> Nag.suppress(secret, "AwsSolutions-SMG4",
                "These secrets hold identity provider configuration (issuer, client ids, token endpoint and the"
                        + " Cognito client secret). Their content changes only when the identity provider changes;"
                        + " Secrets Manager rotation cannot rotate a Cognito app client secret, so a rotation"
                        + " function would only rewrite the same values."));
    }
}
