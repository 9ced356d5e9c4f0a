package io.cms.vss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.language.FieldDefinition;
import graphql.language.ListType;
import graphql.language.NonNullType;
import graphql.language.ObjectTypeDefinition;
import graphql.language.Type;
import graphql.language.TypeName;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The derived lake schema, Glue columns, GraphQL types and simulator ranges agree with the catalog. */
class DerivationsTest {

    static final VssCatalog CATALOG = VssCatalog.load();
    static final LakeSchema LAKE = new LakeSchema(CATALOG);

    @Test
    void lowerCaseMappingIsDotsToUnderscores() {
        assertThat(LakeSchema.column("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current"))
                .isEqualTo("vehicle_powertrain_tractionbattery_stateofcharge_current");
    }

    @Test
    void everySignalHasOneSafeUniqueColumn() {
        List<String> columns = LAKE.columns();
        assertThat(columns).hasSize(CATALOG.signals().size() + 3).doesNotHaveDuplicates();
        assertThat(columns).allMatch(c -> c.matches("^[a-z][a-z0-9_]{0,127}$"));
        for (int i = 0; i < CATALOG.signals().size(); i++) {
            Signal s = CATALOG.signals().get(i);
            assertThat(columns.get(LAKE.firstSignalColumn() + i)).isEqualTo(LakeSchema.column(s.path()));
            assertThat(LAKE.columnOf(s.path())).contains(LakeSchema.column(s.path()));
        }
    }

    @Test
    void columnOfUnknownPathIsEmpty() {
        assertThat(LAKE.columnOf("Vehicle.Cabin.Door")).isEmpty();
    }

    @Test
    void avroFieldsFollowCatalogTypes() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(LAKE.avroSchemaJson());
        JsonNode fields = schema.get("fields");
        assertThat(fields).hasSize(LAKE.columns().size());
        assertThat(fields.get(0).get("type").asText()).isEqualTo("string");
        assertThat(fields.get(1).get("type").asText()).isEqualTo("long");
        assertThat(fields.get(2).get("type").asText()).isEqualTo("long");
        for (int i = 0; i < CATALOG.signals().size(); i++) {
            Signal s = CATALOG.signals().get(i);
            JsonNode f = fields.get(LAKE.firstSignalColumn() + i);
            assertThat(f.get("name").asText()).isEqualTo(LakeSchema.column(s.path()));
            assertThat(f.get("type").get(0).asText()).isEqualTo("null");
            JsonNode type = f.get("type").get(1);
            if (s.datatype() == VssDatatype.STRING_ARRAY) {
                assertThat(type.get("type").asText()).isEqualTo("array");
                assertThat(type.get("items").asText()).isEqualTo("string");
            } else {
                assertThat(type.asText()).isEqualTo(LakeSchema.avroPrimitive(s.datatype()));
            }
        }
    }

    @Test
    void avroWideIntegersAreLongs() {
        assertThat(LakeSchema.avroPrimitive(VssDatatype.UINT32)).isEqualTo("long");
        assertThat(LakeSchema.avroPrimitive(VssDatatype.UINT16)).isEqualTo("int");
    }

    @Test
    void glueColumnsMatchAvroFieldsOneToOne() {
        List<LakeSchema.GlueColumn> glue = LAKE.glueColumns();
        assertThat(glue.stream().map(LakeSchema.GlueColumn::name).toList()).isEqualTo(LAKE.columns());
        Map<String, String> hiveForAvro = Map.of("string", "string", "long", "bigint", "int", "int",
                "float", "float", "double", "double", "boolean", "boolean");
        for (int i = 0; i < CATALOG.signals().size(); i++) {
            Signal s = CATALOG.signals().get(i);
            String hive = glue.get(LAKE.firstSignalColumn() + i).hiveType();
            if (s.datatype() == VssDatatype.STRING_ARRAY) {
                assertThat(hive).isEqualTo("array<string>");
            } else {
                assertThat(hive).isEqualTo(hiveForAvro.get(LakeSchema.avroPrimitive(s.datatype())));
            }
        }
    }

    @Test
    void partitionKeysAreIntegerDateAndHour() {
        assertThat(LAKE.gluePartitionKeys()).extracting(LakeSchema.GlueColumn::name).containsExactly("year", "month", "day", "hour");
        assertThat(LAKE.gluePartitionKeys()).allMatch(k -> k.hiveType().equals("int"));
    }

    @Test
    void graphQlFieldNamesAreLowerCamelCase() {
        assertThat(GraphQlSchema.field("VIN")).isEqualTo("vin");
        assertThat(GraphQlSchema.field("DTCList")).isEqualTo("dtcList");
        assertThat(GraphQlSchema.field("CurrentLocation")).isEqualTo("currentLocation");
        assertThat(GraphQlSchema.field("OBD")).isEqualTo("obd");
        assertThat(GraphQlSchema.field("Row1")).isEqualTo("row1");
    }

    @Test
    void graphQlSdlParsesAndHasEveryLeafWithItsType() {
        TypeDefinitionRegistry registry = new SchemaParser().parse(GraphQlSchema.sdl(CATALOG));
        for (Signal s : CATALOG.signals()) {
            List<String> segments = s.segments();
            String owner = GraphQlSchema.typeName(String.join(".", segments.subList(0, segments.size() - 1)));
            ObjectTypeDefinition type = registry.getType(owner, ObjectTypeDefinition.class)
                    .orElseThrow(() -> new AssertionError("no type " + owner));
            FieldDefinition field = type.getFieldDefinitions().stream()
                    .filter(f -> f.getName().equals(GraphQlSchema.field(s.name())))
                    .findFirst().orElseThrow(() -> new AssertionError("no field for " + s.path()));
            assertThat(render(field.getType())).as(s.path()).isEqualTo(GraphQlSchema.scalar(s.datatype()));
        }
    }

    @Test
    void graphQlHasNoFieldsBeyondTheCatalog() {
        TypeDefinitionRegistry registry = new SchemaParser().parse(GraphQlSchema.sdl(CATALOG));
        int leaves = 0;
        for (ObjectTypeDefinition t : registry.getTypes(ObjectTypeDefinition.class)) {
            for (FieldDefinition f : t.getFieldDefinitions()) {
                if (!(f.getType() instanceof TypeName n) || registry.getType(n.getName(), ObjectTypeDefinition.class).isEmpty()) {
                    leaves++;
                }
            }
        }
        assertThat(leaves).isEqualTo(CATALOG.signals().size());
    }

    @Test
    void wideIntegersBecomeGraphQlFloat() {
        assertThat(GraphQlSchema.scalar(VssDatatype.UINT32)).isEqualTo("Float");
        assertThat(GraphQlSchema.scalar(VssDatatype.UINT8)).isEqualTo("Int");
    }

    @Test
    void simulatorRangesCoverEveryNumericSignalAndPassValidation() {
        Map<String, SimulatorRanges.Range> ranges = SimulatorRanges.of(CATALOG);
        List<String> numeric = new ArrayList<>();
        CATALOG.signals().stream().filter(s -> s.datatype().isNumeric()).forEach(s -> numeric.add(s.path()));
        assertThat(ranges.keySet()).containsExactlyElementsOf(numeric);
        for (Map.Entry<String, SimulatorRanges.Range> e : ranges.entrySet()) {
            Signal s = CATALOG.signal(e.getKey()).orElseThrow();
            for (double f : new double[] {0, 0.25, 0.5, 0.77, 1}) {
                double v = e.getValue().at(f);
                assertThat(s.checkNumber(v)).as(e.getKey() + " at " + f).isEmpty();
            }
        }
    }

    @Test
    void simulatorRangeOfBoundedSignalIsTheCatalogBound() {
        SimulatorRanges.Range soc = SimulatorRanges.of(CATALOG).get("Vehicle.Powertrain.TractionBattery.StateOfCharge.Current");
        assertThat(soc.min()).isEqualTo(0);
        assertThat(soc.max()).isEqualTo(100);
        assertThat(soc.integer()).isFalse();
    }

    @Test
    void simulatorRangesOfIntegersAreWhole() {
        SimulatorRanges.Range tire = SimulatorRanges.of(CATALOG).get("Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure");
        assertThat(tire.integer()).isTrue();
        assertThat(tire.at(0.3333)).isEqualTo(Math.rint(tire.at(0.3333)));
    }

    @Test
    void columnCollisionWithEnvelopeIsRefused() throws Exception {
        VssCatalog clash = VssCatalog.parse(new ByteArrayInputStream(
                "{\"signals\":[{\"path\":\"Vehicle.Speed\",\"datatype\":\"float\"},{\"path\":\"Vehicle.SPEED\",\"datatype\":\"float\"}]}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> new LakeSchema(clash)).hasMessageContaining("maps to column 'vehicle_speed', which is taken");
    }

    private static String render(Type<?> type) {
        if (type instanceof NonNullType nn) {
            return render(nn.getType()) + "!";
        }
        if (type instanceof ListType l) {
            return "[" + render(l.getType()) + "]";
        }
        return ((TypeName) type).getName();
    }

}
