package io.cms.connectstore.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.connectstore.testutils.LakeFiles;
import io.cms.connectstore.testutils.Payloads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10 000 good and 1 000 bad messages, shuffled: exactly 10 000 lake rows, 10 000 raw lines and
 * 1 000 quarantine records each with its reason; nothing crashes.
 */
class MixedStreamTest {

    static final long T0 = Instant.parse("2026-11-22T07:00:00Z").toEpochMilli();

    @TempDir
    Path root;

    record Message(String topic, byte[] payload, String expectedReason) {
    }

    @Test
    void goodMessagesReachTheLakeAndBadOnesQuarantineWithTheirReason() throws Exception {
        List<Message> stream = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String vin = Payloads.vin(i % 100);
            stream.add(new Message(Payloads.topic(vin), Payloads.bytes(Payloads.full(vin, T0 + i * 500L, i)), null));
        }
        byte[] huge = new byte[200 * 1024];
        Arrays.fill(huge, (byte) ' ');
        for (int i = 0; i < 200; i++) {
            String vin = Payloads.vin(i);
            stream.add(new Message(Payloads.topic(vin), ("garbage " + i).getBytes(StandardCharsets.UTF_8), "NOT_JSON"));
            ObjectNode noVin = Payloads.full(vin, T0, i);
            noVin.remove("vin");
            ((ObjectNode) noVin.get("Vehicle")).remove("VehicleIdentification");
            stream.add(new Message(Payloads.topic(vin), Payloads.bytes(noVin), "NO_VIN"));
            stream.add(new Message(Payloads.topic(Payloads.vin(i + 1)), Payloads.bytes(Payloads.full(vin, T0, i)), "VIN_MISMATCH"));
            ObjectNode wrong = Payloads.full(vin, T0, i);
            ((ObjectNode) wrong.get("Vehicle")).put("IsMoving", "yes");
            stream.add(new Message(Payloads.topic(vin), Payloads.bytes(wrong), "WRONG_TYPE"));
            byte[] big = Payloads.bytes(Payloads.full(vin, T0, i));
            byte[] padded = huge.clone();
            System.arraycopy(big, 0, padded, 0, big.length);
            stream.add(new Message(Payloads.topic(vin), padded, "OVERSIZED"));
        }
        java.util.Collections.shuffle(stream, new Random(5));

        long received = T0 + 7_200_000;
        List<CommittedBatch> commits = new ArrayList<>();
        try (LakeWriter w = new LakeWriter(LakeWriterConfig.builder(root).maxBatchRecords(2_500).onCommit(commits::add).build())) {
            for (Message m : stream) {
                w.accept(m.topic(), m.payload(), received);
            }
        }

        assertThat(commits.stream().mapToLong(CommittedBatch::rows).sum()).isEqualTo(10_000);
        assertThat(commits.stream().mapToLong(CommittedBatch::quarantined).sum()).isEqualTo(1_000);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT ts) FROM read_parquet('" + root.resolve("parquet")
                        + "/**/*.parquet', hive_partitioning = true)")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(10_000);
            assertThat(rs.getLong(2)).isEqualTo(10_000);
        }
        assertThat(LakeFiles.allLines(root, LakeLayout.RAW)).hasSize(10_000);
        List<JsonNode> quarantined = LakeFiles.allLines(root, LakeLayout.QUARANTINE);
        assertThat(quarantined).hasSize(1_000).allSatisfy(q -> assertThat(q.get("detail").asText()).isNotBlank());
        Map<String, Long> byReason = quarantined.stream().collect(Collectors.groupingBy(q -> q.get("reason").asText(), Collectors.counting()));
        assertThat(byReason).containsOnly(Map.entry("NOT_JSON", 200L), Map.entry("NO_VIN", 200L), Map.entry("VIN_MISMATCH", 200L),
                Map.entry("WRONG_TYPE", 200L), Map.entry("OVERSIZED", 200L));
        assertThat(quarantined).filteredOn(q -> q.get("reason").asText().equals("OVERSIZED"))
                .allSatisfy(q -> assertThat(q.get("size").asInt()).isEqualTo(200 * 1024));
    }
}
