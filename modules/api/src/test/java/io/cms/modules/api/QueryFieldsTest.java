package io.cms.modules.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueryFieldsTest {

    @Test
    void listsEveryQueryFieldInOrder() {
        String schema = """
                # Generated; do not edit.
                type Query {
                  \"""The latest state of a vehicle.\"""
                  getVehicle(vin: String!): Vehicle
                  listVehicles(page: Int): [Vehicle]
                  \"""
                  A vehicle's telemetry: pass `nextToken` back (e.g. "abc") for more.
                  notAField(x: Int): Int
                  \"""
                  getVehicleHistory(vin: String!, from: String!, to: String!, signals: [String!]!): VehiclePage!
                }

                type VehiclePage {
                  items: [Vehicle!]!
                  nextToken: String
                }
                """;

        assertThat(QueryFields.of(schema)).containsExactly("getVehicle", "listVehicles", "getVehicleHistory");
    }

    @Test
    void ignoresArgumentsSpreadOverSeveralLines() {
        String schema = """
                type Query {
                  getVehicleHistory(
                    vin: String!
                    "inclusive start" from: String!
                  ): VehiclePage!
                  ping: Boolean
                }
                """;

        assertThat(QueryFields.of(schema)).containsExactly("getVehicleHistory", "ping");
    }

    @Test
    void ignoresFieldsOfOtherTypesAndCommentedOutFields() {
        String schema = """
                type Vehicle { vin: String! }
                type Query {
                  # legacy(page: Int): [Vehicle]
                  getVehicle(vin: String!): Vehicle
                }
                type Mutation { publish(vin: String!): Boolean }
                """;

        assertThat(QueryFields.of(schema)).containsExactly("getVehicle");
    }

    @Test
    void refusesASchemaWithoutAQueryType() {
        assertThatThrownBy(() -> QueryFields.of("type Vehicle { vin: String! }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no 'type Query");
    }

    @Test
    void refusesAnEmptyQueryType() {
        assertThatThrownBy(() -> QueryFields.of("type Query {\n  # nothing yet\n}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declares no field");
    }

    @Test
    void refusesAnUnclosedQueryType() {
        assertThatThrownBy(() -> QueryFields.of("type Query {\n  getVehicle(vin: String!): Vehicle\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never closed");
    }

    @Test
    void refusesAnUnclosedDescription() {
        assertThatThrownBy(() -> QueryFields.of("type Query {\n  \"\"\"oops\n  getVehicle: Vehicle\n}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclosed");
    }
}
