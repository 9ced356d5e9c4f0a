package io.cms.vss;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The lake's table, derived from the catalog: flat columns (one per signal) after three envelope
 * columns, the Avro schema the Parquet files are written with, and the Glue column list.
 *
 * <p>{@link #column(String)} is <b>the one place where VSS names become lower case</b>. The catalog,
 * the MQTT payload and the GraphQL API keep canonical VSS casing; only the lake needs lower case,
 * because Glue (and therefore Athena) stores column names in lower case and matches Parquet columns
 * by that name: a Parquet column {@code Vehicle_Speed} would read back as null in Athena. Dots
 * become underscores because neither Hive nor Avro allows a dot in a column name.
 */
public final class LakeSchema {

    /** Envelope column: the VIN the record was published under. */
    public static final String VIN = "vin";
    /** Envelope column: the time the vehicle measured the values, epoch milliseconds UTC. */
    public static final String TS = "ts";
    /** Envelope column: the time the platform received the message, epoch milliseconds UTC. */
    public static final String RECEIVED_AT = "received_at";
    /** Partition keys, in path order ({@code year=YYYY/month=MM/day=DD/hour=HH}), all UTC. */
    public static final List<String> PARTITION_KEYS = List.of("year", "month", "day", "hour");
    /** The Avro record name of a lake row. */
    public static final String RECORD_NAME = "Telemetry";
    /** The Avro namespace of a lake row. */
    public static final String NAMESPACE = "io.cms.lake";

    private static final int ENVELOPE_COLUMNS = 3;

    private final VssCatalog catalog;
    private final List<String> columns;
    private final Map<String, String> columnByPath = new HashMap<>();

    public LakeSchema(VssCatalog catalog) {
        this.catalog = catalog;
        List<String> names = new ArrayList<>(List.of(VIN, TS, RECEIVED_AT));
        for (Signal s : catalog.signals()) {
            String c = column(s.path());
            if (names.contains(c) || PARTITION_KEYS.contains(c)) {
                throw new IllegalArgumentException("signal " + s.path() + " maps to column '" + c + "', which is taken");
            }
            names.add(c);
            columnByPath.put(s.path(), c);
        }
        this.columns = List.copyOf(names);
    }

    /**
     * The lake column of a VSS path: lower case, dots as underscores
     * ({@code Vehicle.CurrentLocation.Latitude} → {@code vehicle_currentlocation_latitude}).
     */
    public static String column(String vssPath) {
        return vssPath.replace('.', '_').toLowerCase(Locale.ROOT);
    }

    /** The column of a catalog signal; empty for paths the catalog does not have (an allow-list). */
    public Optional<String> columnOf(String vssPath) {
        return Optional.ofNullable(columnByPath.get(vssPath));
    }

    /** Every column in file order: the envelope columns, then one per signal in catalog order. */
    public List<String> columns() {
        return columns;
    }

    /** Position of the first signal column; signal {@code i} of the catalog is column {@code i + this}. */
    public int firstSignalColumn() {
        return ENVELOPE_COLUMNS;
    }

    public VssCatalog catalog() {
        return catalog;
    }

    /**
     * The Avro schema (JSON) of a lake row: {@code vin} string, {@code ts} and {@code received_at}
     * long (epoch ms, plain longs so every engine compares them with numbers), then every signal as
     * a nullable field ({@code null} = not reported in that message).
     */
    public String avroSchemaJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode record = mapper.createObjectNode();
        record.put("type", "record");
        record.put("name", RECORD_NAME);
        record.put("namespace", NAMESPACE);
        record.put("doc", "One telemetry message. Generated from the VSS " + catalog.vssVersion() + " catalog; do not edit.");
        ArrayNode fields = record.putArray("fields");
        fields.addObject().put("name", VIN).put("type", "string").put("doc", "VIN the message was published under");
        fields.addObject().put("name", TS).put("type", "long").put("doc", "measurement time, epoch ms UTC");
        fields.addObject().put("name", RECEIVED_AT).put("type", "long").put("doc", "receive time, epoch ms UTC");
        for (Signal s : catalog.signals()) {
            ObjectNode f = fields.addObject();
            f.put("name", column(s.path()));
            ArrayNode union = f.putArray("type");
            union.add("null");
            if (s.datatype() == VssDatatype.STRING_ARRAY) {
                union.addObject().put("type", "array").put("items", "string");
            } else {
                union.add(avroPrimitive(s.datatype()));
            }
            f.putNull("default");
            f.put("doc", s.path() + (s.unit() == null ? "" : " [" + s.unit() + "]"));
        }
        return record.toString();
    }

    /** The Avro primitive type of a (non-array) VSS datatype. */
    public static String avroPrimitive(VssDatatype type) {
        return switch (type) {
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case UINT8, UINT16, INT8, INT16, INT32 -> "int";
            case UINT32, INT64 -> "long";
            case STRING_ARRAY -> throw new IllegalArgumentException("string[] is an Avro array, not a primitive");
        };
    }

    /** The Hive type Glue declares for a VSS datatype (matches {@link #avroPrimitive}). */
    public static String hiveType(VssDatatype type) {
        return switch (type) {
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case UINT8, UINT16, INT8, INT16, INT32 -> "int";
            case UINT32, INT64 -> "bigint";
            case STRING_ARRAY -> "array<string>";
        };
    }

    /**
     * One Glue column.
     *
     * @param name lower-case column name
     * @param hiveType the Hive type string
     * @param comment the VSS path and unit
     */
    public record GlueColumn(String name, String hiveType, String comment) {
    }

    /** The Glue table's columns (not the partition keys), in file order. */
    public List<GlueColumn> glueColumns() {
        List<GlueColumn> out = new ArrayList<>();
        out.add(new GlueColumn(VIN, "string", "VIN the message was published under"));
        out.add(new GlueColumn(TS, "bigint", "measurement time, epoch ms UTC"));
        out.add(new GlueColumn(RECEIVED_AT, "bigint", "receive time, epoch ms UTC"));
        for (Signal s : catalog.signals()) {
            out.add(new GlueColumn(column(s.path()), hiveType(s.datatype()),
                    s.path() + (s.unit() == null ? "" : " [" + s.unit() + "]")));
        }
        return out;
    }

    /** The Glue partition keys: all {@code int}, UTC. */
    public List<GlueColumn> gluePartitionKeys() {
        return PARTITION_KEYS.stream().map(k -> new GlueColumn(k, "int", k + " (UTC) of ts")).toList();
    }
}
