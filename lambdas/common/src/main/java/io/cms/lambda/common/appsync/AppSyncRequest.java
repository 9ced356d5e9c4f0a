package io.cms.lambda.common.appsync;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;

/**
 * The parts of an AppSync direct Lambda resolver event a resolver uses. CMS Local's GraphQL server
 * builds the same request from a graphql-java field call, so one resolver serves both.
 *
 * @param parentType {@code Query} or {@code Mutation}
 * @param fieldName  the resolved field
 * @param arguments  the field's arguments (an object, possibly empty)
 * @param identity   the {@code identity} object ({@code resolverContext} comes from the Lambda authorizer)
 */
public record AppSyncRequest(String parentType, String fieldName, JsonNode arguments, JsonNode identity) {

    /** Reads the event. */
    public static AppSyncRequest from(JsonNode event) {
        JsonNode info = event.path("info");
        String field = Json.optionalText(info, "fieldName");
        if (field == null) {
            throw new BadInputException("not an AppSync resolver event: info.fieldName is missing");
        }
        JsonNode arguments = event.get("arguments");
        return new AppSyncRequest(Json.optionalText(info, "parentTypeName"), field,
                arguments == null || arguments.isNull() ? Json.object() : arguments, event.get("identity"));
    }

    /** A required string argument. */
    public String text(String name) {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull() || !value.isTextual()) {
            throw new BadInputException("argument '" + name + "' is required and must be a string");
        }
        return value.asText();
    }

    /** An optional string argument, or null. */
    public String optionalText(String name) {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadInputException("argument '" + name + "' must be a string");
        }
        return value.asText();
    }

    /** The authorizer's {@code resolverContext} (empty when the API has no Lambda authorizer). */
    public JsonNode resolverContext() {
        JsonNode context = identity == null ? null : identity.get("resolverContext");
        return context == null || context.isNull() ? Json.object() : context;
    }

    /** An optional integer argument, or null. */
    public Integer optionalInt(String name) {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isInt()) {
            throw new BadInputException("argument '" + name + "' must be an integer");
        }
        return value.asInt();
    }
}
