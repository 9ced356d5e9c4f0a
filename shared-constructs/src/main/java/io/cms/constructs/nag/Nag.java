package io.cms.constructs.nag;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Aspects;
import software.constructs.IConstruct;
import software.constructs.Construct;

/**
 * cdk-nag wiring. {@link #apply} adds the AwsSolutions pack to a scope (every app and every test
 * does it); {@link #suppress} records a suppression that names the exact finding and a reason.
 */
public final class Nag {

    private Nag() {
    }

    /** Adds the AwsSolutions checks to every construct under {@code scope}. */
    public static void apply(IConstruct scope) {
        Aspects.of(scope).add(new AwsSolutionsChecks(io.github.cdklabs.cdknag.NagPackProps.builder()
                .verbose(true)
                .build()));
    }

    /**
     * Suppresses one rule on one construct (and its children). {@code appliesTo} narrows the
     * suppression to findings such as {@code Resource::*}; a value starting and ending with
     * {@code /} is a regular expression.
     */
    public static void suppress(Construct construct, String ruleId, String reason, String... appliesTo) {
        if (reason == null || reason.length() < 10) {
            throw new IllegalArgumentException("a suppression of " + ruleId + " needs a real reason");
        }
        NagPackSuppression.Builder builder = NagPackSuppression.builder().id(ruleId).reason(reason);
        if (appliesTo.length > 0) {
            List<Object> targets = new ArrayList<>();
            for (String a : appliesTo) {
                targets.add(a.length() > 1 && a.startsWith("/") && a.endsWith("/")
                        ? RegexAppliesTo.builder().regex(a + "g").build()
                        : a);
            }
            builder.appliesTo(targets);
        }
        NagSuppressions.addResourceSuppressions(construct, List.of(builder.build()), true);
    }
}
