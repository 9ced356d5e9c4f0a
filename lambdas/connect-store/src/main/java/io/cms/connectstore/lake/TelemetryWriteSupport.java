package io.cms.connectstore.lake;

import io.cms.connectstore.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes validated {@link Telemetry} straight into Parquet columns, with the schema parquet-avro
 * derives from the lake's Avro schema (standard three-level lists) and that Avro schema in the file
 * footer, so every reader sees exactly the file parquet-avro would write: {@code AvroParquetReader},
 * DuckDB, Athena. What it saves over {@code AvroWriteSupport}: no {@code GenericRecord} per row, no
 * union resolution per value, and strings become array-backed binaries (cheaper to hash and
 * compare in the dictionary and the statistics than {@code Binary.fromString}'s buffers).
 */
final class TelemetryWriteSupport extends WriteSupport<Telemetry> {

    private enum Kind { BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, STRING_LIST }

    private final Schema avroSchema;
    private final MessageType messageType;
    private final int firstSignal;
    private final String[] names;
    private final Kind[] kinds;
    /** For lists: the repeated group's and the element's field names. */
    private final String[] listGroup;
    private final String[] listElement;
    private RecordConsumer out;

    TelemetryWriteSupport(Schema avroSchema, int firstSignal) {
        this.avroSchema = avroSchema;
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.setBoolean("parquet.avro.write-old-list-structure", false);
        this.messageType = new AvroSchemaConverter(conf).convert(avroSchema);
        this.firstSignal = firstSignal;
        int n = messageType.getFieldCount();
        this.names = new String[n];
        this.kinds = new Kind[n];
        this.listGroup = new String[n];
        this.listElement = new String[n];
        for (int i = 0; i < n; i++) {
            Type field = messageType.getType(i);
            names[i] = field.getName();
            kinds[i] = kindOf(field);
            if (kinds[i] == Kind.STRING_LIST) {
                GroupType repeated = field.asGroupType().getType(0).asGroupType();
                listGroup[i] = repeated.getName();
                listElement[i] = repeated.getType(0).getName();
            }
        }
    }

    /** A Parquet writer of telemetry rows into {@code file}. */
    static ParquetWriter<Telemetry> open(OutputFile file, Schema avroSchema, int firstSignal, LakeWriterConfig config)
            throws java.io.IOException {
        return new Builder(file, new TelemetryWriteSupport(avroSchema, firstSignal))
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(config.codec())
                .withWriteMode(org.apache.parquet.hadoop.ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return context();
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return context();
    }

    private WriteContext context() {
        // The keys AvroWriteSupport writes: readers rebuild the Avro schema from the footer.
        return new WriteContext(messageType, Map.of("parquet.avro.schema", avroSchema.toString(), "writer.model.name", "avro"));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(Telemetry t) {
        out.startMessage();
        out.startField(names[0], 0);
        out.addBinary(binary(t.vin()));
        out.endField(names[0], 0);
        out.startField(names[1], 1);
        out.addLong(t.timestamp());
        out.endField(names[1], 1);
        out.startField(names[2], 2);
        out.addLong(t.receivedAt());
        out.endField(names[2], 2);
        for (int s = 0; s < t.size(); s++) {
            Object v = t.value(s);
            if (v != null) {
                int column = firstSignal + s;
                out.startField(names[column], column);
                writeValue(column, v);
                out.endField(names[column], column);
            }
        }
        out.endMessage();
    }

    private void writeValue(int column, Object v) {
        switch (kinds[column]) {
            case BOOLEAN -> out.addBoolean((Boolean) v);
            case INT -> out.addInteger(((Number) v).intValue());
            case LONG -> out.addLong(((Number) v).longValue());
            case FLOAT -> out.addFloat(((Number) v).floatValue());
            case DOUBLE -> out.addDouble(((Number) v).doubleValue());
            case STRING -> out.addBinary(binary((String) v));
            case STRING_LIST -> writeList(column, (List<?>) v);
            default -> throw new IllegalStateException("unhandled column kind " + kinds[column]);
        }
    }

    /** A three-level list: {@code group (LIST) { repeated group list { required binary element } }}. */
    private void writeList(int column, List<?> values) {
        out.startGroup();
        if (!values.isEmpty()) {
            String group = listGroup[column];
            String element = listElement[column];
            out.startField(group, 0);
            for (Object e : values) {
                out.startGroup();
                out.startField(element, 0);
                out.addBinary(binary((String) e));
                out.endField(element, 0);
                out.endGroup();
            }
            out.endField(group, 0);
        }
        out.endGroup();
    }

    /** Array-backed (cheaper to hash and compare in the dictionary and statistics than {@code Binary.fromString}). */
    private static Binary binary(String s) {
        return Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String getName() {
        return "cms-telemetry";
    }

    private static Kind kindOf(Type field) {
        if (!field.isPrimitive()) {
            if (field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
                return Kind.STRING_LIST;
            }
            throw new IllegalArgumentException("lake column " + field.getName() + " is a group that is not a list");
        }
        return switch (field.asPrimitiveType().getPrimitiveTypeName()) {
            case BOOLEAN -> Kind.BOOLEAN;
            case INT32 -> Kind.INT;
            case INT64 -> Kind.LONG;
            case FLOAT -> Kind.FLOAT;
            case DOUBLE -> Kind.DOUBLE;
            case BINARY -> Kind.STRING;
            default -> throw new IllegalArgumentException("lake column " + field.getName() + " has an unsupported type " + field);
        };
    }

    private static final class Builder extends ParquetWriter.Builder<Telemetry, Builder> {
        private final TelemetryWriteSupport support;

        Builder(OutputFile file, TelemetryWriteSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Telemetry> getWriteSupport(Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<Telemetry> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }
}
