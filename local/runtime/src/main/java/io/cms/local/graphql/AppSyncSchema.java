package io.cms.local.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.language.FieldDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.TypeRuntimeWiring;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.lambda.common.appsync.FieldResolver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An AppSync schema served by graphql-java: every field of {@code Query} and {@code Mutation} is a
 * direct Lambda resolver, i.e. it calls the module's {@link FieldResolver} with the same
 * {@link AppSyncRequest} AppSync would send the Lambda ({@code info.fieldName}, {@code arguments},
 * {@code identity.resolverContext}); nested fields read the returned JSON.
 */
final class AppSyncSchema {

    /** Key of the authorizer's resolver context in the execution's GraphQL context. */
    static final String RESOLVER_CONTEXT = "resolverContext";

    private AppSyncSchema() {
    }

    static GraphQLSchema build(String sdl, FieldResolver resolver) {
        TypeDefinitionRegistry types = new SchemaParser().parse(sdl);
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
        for (String root : List.of("Query", "Mutation")) {
            types.getType(root, ObjectTypeDefinition.class).ifPresent(type -> {
                TypeRuntimeWiring.Builder fields = TypeRuntimeWiring.newTypeWiring(root);
                for (FieldDefinition field : type.getFieldDefinitions()) {
                    fields.dataFetcher(field.getName(), fetcher(root, field.getName(), resolver));
                }
                wiring.type(fields);
            });
        }
        return new SchemaGenerator().makeExecutableSchema(types, wiring.build());
    }

    private static DataFetcher<Object> fetcher(String parentType, String fieldName, FieldResolver resolver) {
        return environment -> {
            ObjectNode event = Json.object();
            event.putObject("info").put("parentTypeName", parentType).put("fieldName", fieldName);
            event.set("arguments", Json.MAPPER.valueToTree(environment.getArguments()));
            JsonNode context = environment.getGraphQlContext().get(RESOLVER_CONTEXT);
            event.putObject("identity").set("resolverContext", context == null ? Json.object() : context);
            JsonNode result = resolver.resolve(AppSyncRequest.from(event));
            return result == null || result.isNull() ? null : Json.MAPPER.convertValue(result, Object.class);
        };
    }

    /** Resolver exceptions become GraphQL errors carrying AppSync's {@code errorType}. */
    static final DataFetcherExceptionHandler ERRORS = parameters -> {
        Throwable e = parameters.getException();
        String type = e instanceof BadInputException ? "BadRequestException" : e.getClass().getSimpleName();
        GraphQLError error = GraphqlErrorBuilder.newError()
                .message(e.getMessage() == null ? type : e.getMessage())
                .path(parameters.getPath())
                .location(parameters.getSourceLocation())
                .extensions(Map.of("errorType", type))
                .build();
        return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
    };
}
