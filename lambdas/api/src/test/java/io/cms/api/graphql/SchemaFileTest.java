package io.cms.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionInput;
import graphql.GraphQL;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.validation.ValidationError;
import io.cms.vss.VssCatalog;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checked-in schema is exactly what the generator gives. After a catalog change, regenerate it
 * with {@code mvn -pl lambdas/api test -Dtest=SchemaFileTest -Dschema.update=true}.
 */
class SchemaFileTest {

    static final Path FILE = Path.of("src/main/resources/io/cms/api/schema.graphql");

    private static String generated() {
        return ApiSchema.sdl(VssCatalog.load());
    }

    @Test
    void checkedInSchemaEqualsTheGeneratedOne() throws Exception {
        if (Boolean.getBoolean("schema.update")) {
            Files.writeString(FILE, generated(), StandardCharsets.UTF_8);
        }
        try (InputStream in = ApiSchema.class.getResourceAsStream(ApiSchema.RESOURCE)) {
            assertThat(in).as("schema.graphql on the classpath").isNotNull();
            assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
                    .as("schema.graphql is stale: regenerate with -Dschema.update=true").isEqualTo(generated());
        }
    }

    private static List<ValidationError> validate(String query) {
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(generated()),
                RuntimeWiring.newRuntimeWiring().build());
        return GraphQL.newGraphQL(schema).build().execute(ExecutionInput.newExecutionInput(query).build()).getErrors()
                .stream().filter(ValidationError.class::isInstance).map(ValidationError.class::cast).toList();
    }

    @Test
    void originalClientQueriesStayValid() {
        assertThat(validate("{ getVehicle(vin: \"ABC\") { vehicleIdentification { vin { value } } speed { value } "
                + "currentLocation { latitude { value } } } }")).isEmpty();
        assertThat(validate("{ listVehicles(page: 2) { vehicleIdentification { vin { value } } } }")).isEmpty();
    }

    @Test
    void historyAndPagedListingAreTyped() {
        assertThat(validate("{ getVehicleHistory(vin: \"V\", from: \"a\", to: \"b\", signals: [\"Vehicle.Speed\"], limit: 10) "
                + "{ items { vin timestamp speed { value } obd { dtcList { value } } } nextToken } "
                + "listVehiclesPage(limit: 5) { items { vin } nextToken } }")).isEmpty();
        assertThat(validate("{ getVehicle(vin: \"V\") { speed } }")).as("leaves are wrapper objects").isNotEmpty();
    }
}
