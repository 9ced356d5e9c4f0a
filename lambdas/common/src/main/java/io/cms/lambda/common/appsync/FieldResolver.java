package io.cms.lambda.common.appsync;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One GraphQL API's resolvers behind a single entry point, as an AppSync direct Lambda resolver
 * sees them: a field name, its arguments and the caller's identity in, a JSON value out. A thrown
 * exception is a GraphQL error. The Lambda handlers and CMS Local's GraphQL server both call this.
 */
@FunctionalInterface
public interface FieldResolver {

    /** Resolves one field; the result is the field's value (object, list, scalar or null). */
    JsonNode resolve(AppSyncRequest request);
}
