package io.cms.connectstore.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/** Reads what the lake writer wrote. */
public final class LakeFiles {

    private LakeFiles() {
    }

    /** Every regular file under {@code root}, as {@code /}-separated keys, sorted. */
    public static List<String> keys(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    /** The keys under {@code area/} ending in {@code suffix}. */
    public static List<Path> files(Path root, String area, String suffix) throws IOException {
        Path dir = root.resolve(area);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The NDJSON lines of a gzip file, parsed. */
    public static List<JsonNode> lines(Path gz) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(Json.parse(line));
            }
        }
        return out;
    }

    /** The lines of every gzip file under {@code area}. */
    public static List<JsonNode> allLines(Path root, String area) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path p : files(root, area, ".json.gz")) {
            out.addAll(lines(p));
        }
        return out;
    }

    /** The rows of one Parquet file, read with parquet-avro. */
    public static List<GenericRecord> parquet(Path file) throws IOException {
        List<GenericRecord> out = new ArrayList<>();
        try (ParquetReader<GenericRecord> r = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                .withConf(new PlainParquetConfiguration()).build()) {
            GenericRecord rec;
            while ((rec = r.read()) != null) {
                out.add(rec);
            }
        }
        return out;
    }
}
