package io.cms.constructs;

import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/**
 * ARNs of the Glue Data Catalog in a stack's account and region. Glue authorizes a table action on
 * the catalog, the database and the table together, so a grant names all three.
 */
public final class GlueArns {

    private GlueArns() {
    }

    /** The catalog, database and table ARNs of {@code database.table}, in that order. */
    public static List<String> table(Stack stack, String database, String table) {
        return List.of(
                arn(stack, "catalog", null),
                arn(stack, "database", database),
                arn(stack, "table", database + "/" + table));
    }

    /** A Glue ARN; {@code resource} is catalog (no name), database or table ({@code database/table}). */
    public static String arn(Stack stack, String resource, String name) {
        ArnComponents.Builder arn = ArnComponents.builder().service("glue").resource(resource);
        if (name == null) {
            arn.arnFormat(ArnFormat.NO_RESOURCE_NAME);
        } else {
            arn.resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME);
        }
        return stack.formatArn(arn.build());
    }
}
