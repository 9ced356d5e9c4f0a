package io.cms.connectstore.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.connectstore.testutils.LakeFiles;
import io.cms.connectstore.testutils.Payloads;
import io.cms.lambda.common.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeWriterTest {

    static final long T = Instant.parse("2026-11-22T07:30:00Z").toEpochMilli();
    static final String VIN = Payloads.vin(7);

    @TempDir
    Path root;

    LakeWriter writer(LakeWriterConfig.Builder b) {
        return new LakeWriter(b.build());
    }

    static byte[] good(String vin, long ts, int i) {
        return Payloads.bytes(Payloads.full(vin, ts, i));
    }

    @Test
    void writesRawParquetAndQuarantineInTheHourLayout() throws Exception {
        CommittedBatch batch;
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).clock(new MutableClock(Instant.ofEpochMilli(T))))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 1), T + 5);
            w.accept(Payloads.topic(VIN), "nope".getBytes(StandardCharsets.UTF_8), T + 6);
            batch = w.flush();
        }
        String id = batch.batchId();
        assertThat(id).matches("20261122T073000Z-[0-9a-f]{8}-000001");
        assertThat(LakeFiles.keys(root)).containsExactly(
                "parquet/year=2026/month=11/day=22/hour=7/" + id + ".parquet",
                "quarantine/year=2026/month=11/day=22/hour=7/" + id + ".json.gz",
                "raw/year=2026/month=11/day=22/hour=7/" + id + ".json.gz");
        assertThat(batch.keys()).containsExactlyInAnyOrderElementsOf(LakeFiles.keys(root));
        assertThat(batch.rows()).isEqualTo(1);
        assertThat(batch.quarantined()).isEqualTo(1);
    }

    @Test
    void handsOnlyAcceptedMessagesToTheListenerWithTheirValidatedValues() throws Exception {
        List<io.cms.connectstore.telemetry.Telemetry> handed = new ArrayList<>();
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).clock(new MutableClock(Instant.ofEpochMilli(T))))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 1), T + 5, handed::add);
            w.accept(Payloads.topic(VIN), "nope".getBytes(StandardCharsets.UTF_8), T + 6, handed::add);
            w.accept(Payloads.topic(Payloads.vin(8)), good(VIN, T, 2), T + 7, handed::add);
            w.accept(Payloads.topic(VIN), good(VIN, T + 1, 3), T + 8, null);
            CommittedBatch batch = w.flush();
            assertThat(batch.rows()).isEqualTo(2);
            assertThat(batch.quarantined()).isEqualTo(2);
        }
        assertThat(handed).singleElement().satisfies(t -> {
            assertThat(t.vin()).isEqualTo(VIN);
            assertThat(t.timestamp()).isEqualTo(T);
            assertThat(t.receivedAt()).isEqualTo(T + 5);
            assertThat(t.reported()).isGreaterThan(20);
        });
    }

    @Test
    void aListenerThatThrowsReachesTheCallerAndTheMessageStaysBuffered() throws Exception {
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).clock(new MutableClock(Instant.ofEpochMilli(T))))) {
            assertThatThrownBy(() -> w.accept(Payloads.topic(VIN), good(VIN, T, 1), T + 5, t -> {
                throw new IllegalStateException("listener broke");
            })).hasMessage("listener broke");
            assertThat(w.pending()).isEqualTo(1);
            assertThat(w.flush().rows()).isEqualTo(1);
        }
    }

    @Test
    void aCommitListenerThatThrowsDoesNotTurnTheDurableBatchIntoAFailure() throws Exception {
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).onCommit(b -> {
            throw new IllegalStateException("listener broke");
        }))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 1), T + 5);
            CommittedBatch batch = w.flush();
            assertThat(batch.rows()).isEqualTo(1);
            assertThat(w.pending()).isZero();
            assertThat(LakeFiles.files(root, "parquet", ".parquet")).hasSize(1);
        }
    }

    @Test
    void partitionsByMeasurementHourNotArrival() throws Exception {
        long previousHour = T - 3_600_000;
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), good(VIN, previousHour, 1), T);
            w.accept(Payloads.topic(VIN), good(VIN, T, 2), T);
        }
        assertThat(LakeFiles.files(root, "parquet", ".parquet")).extracting(p -> root.relativize(p.getParent()).toString())
                .containsExactly("parquet/year=2026/month=11/day=22/hour=6", "parquet/year=2026/month=11/day=22/hour=7");
    }

    @Test
    void rawLineKeepsThePayloadWithTopicAndReceiveTime() throws Exception {
        byte[] payload = good(VIN, T, 3);
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), payload, T + 9);
        }
        List<JsonNode> lines = LakeFiles.allLines(root, LakeLayout.RAW);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("topic").asText()).isEqualTo(Payloads.topic(VIN));
        assertThat(lines.get(0).get("receivedAt").asLong()).isEqualTo(T + 9);
        assertThat(lines.get(0).get("payload")).isEqualTo(io.cms.lambda.common.Json.parse(new String(payload, StandardCharsets.UTF_8)));
    }

    @Test
    void prettyPrintedPayloadStaysOneRawLine() throws Exception {
        String pretty = "{\n  \"vin\": \"" + VIN + "\",\n  \"Vehicle\": {\"Speed\": 3}\n}";
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), pretty.getBytes(StandardCharsets.UTF_8), T);
        }
        List<JsonNode> lines = LakeFiles.allLines(root, LakeLayout.RAW);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("payload").get("Vehicle").get("Speed").asInt()).isEqualTo(3);
    }

    @Test
    void quarantineRecordCarriesReasonAndOriginalBytes() throws Exception {
        byte[] notJson = "speed=42\n\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        String wrongType = "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":\"fast\"}}";
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), notJson, T);
            w.accept(Payloads.topic(VIN), wrongType.getBytes(StandardCharsets.UTF_8), T + 1);
        }
        List<JsonNode> q = LakeFiles.allLines(root, LakeLayout.QUARANTINE);
        assertThat(q).hasSize(2);
        JsonNode first = q.get(0);
        assertThat(first.get("reason").asText()).isEqualTo("NOT_JSON");
        assertThat(first.get("topic").asText()).isEqualTo(Payloads.topic(VIN));
        assertThat(first.get("receivedAt").asLong()).isEqualTo(T);
        assertThat(java.util.Base64.getDecoder().decode(first.get("payloadBase64").asText())).isEqualTo(notJson);
        JsonNode second = q.get(1);
        assertThat(second.get("reason").asText()).isEqualTo("WRONG_TYPE");
        assertThat(second.get("detail").asText()).isEqualTo("Vehicle.Speed must be float, got a string");
        assertThat(second.get("payload").get("Vehicle").get("Speed").asText()).isEqualTo("fast");
    }

    @Test
    void nothingIsVisibleBeforeFlush() throws Exception {
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 1), T);
            assertThat(LakeFiles.files(root, "parquet", ".parquet")).isEmpty();
            assertThat(LakeFiles.files(root, "raw", ".json.gz")).isEmpty();
            assertThat(w.pending()).isEqualTo(1);
        }
        assertThat(LakeFiles.files(root, "parquet", ".parquet")).hasSize(1);
    }

    @Test
    void flushesWhenTheBatchIsFull() throws Exception {
        List<CommittedBatch> commits = new ArrayList<>();
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).maxBatchRecords(3).onCommit(commits::add))) {
            for (int i = 0; i < 7; i++) {
                w.accept(Payloads.topic(VIN), good(VIN, T, i), T);
            }
            assertThat(commits).extracting(CommittedBatch::rows).containsExactly(3L, 3L);
            assertThat(w.pending()).isEqualTo(1);
        }
        assertThat(commits).extracting(CommittedBatch::rows).containsExactly(3L, 3L, 1L);
        assertThat(LakeFiles.files(root, "parquet", ".parquet")).hasSize(3);
    }

    @Test
    void flushesWhenTheBatchIsOld() throws Exception {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T));
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).clock(clock).maxBatchAge(Duration.ofSeconds(60)))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 1), T);
            clock.advance(Duration.ofMillis(59_000));
            assertThat(w.flushIfDue()).isNull();
            clock.advance(Duration.ofMillis(1_000));
            CommittedBatch due = w.flushIfDue();
            assertThat(due.rows()).isEqualTo(1);
        }
    }

    @Test
    void acceptCommitsAnOldBatchBeforeBuffering() throws Exception {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T));
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).clock(clock).maxBatchAge(Duration.ofSeconds(10)))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 1), T);
            clock.advance(Duration.ofMillis(10_000));
            CommittedBatch committed = w.accept(Payloads.topic(VIN), good(VIN, T, 2), T);
            assertThat(committed.rows()).isEqualTo(1);
            assertThat(w.pending()).isEqualTo(1);
        }
    }

    @Test
    void flushesWhenTooManyHoursAreOpen() throws Exception {
        List<CommittedBatch> commits = new ArrayList<>();
        try (LakeWriter w = writer(LakeWriterConfig.builder(root).maxOpenPartitions(2).onCommit(commits::add))) {
            for (int h = 0; h < 3; h++) {
                w.accept(Payloads.topic(VIN), good(VIN, T - h * 3_600_000L, h), T);
            }
            assertThat(commits).hasSize(1);
            assertThat(commits.get(0).rows()).isEqualTo(3);
        }
    }

    @Test
    void emptyFlushWritesNothing() throws Exception {
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            assertThat(w.flush().isEmpty()).isTrue();
        }
        assertThat(LakeFiles.keys(root)).isEmpty();
    }

    @Test
    void closedWriterRefusesMessages() {
        LakeWriter w = writer(LakeWriterConfig.builder(root));
        w.close();
        assertThatThrownBy(() -> w.accept(Payloads.topic(VIN), good(VIN, T, 1), T))
                .isInstanceOf(IllegalStateException.class).hasMessage("the lake writer is closed");
    }

    @Test
    void abortLeavesNoFiles() throws Exception {
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 1), T);
            w.accept(Payloads.topic(VIN), "x".getBytes(StandardCharsets.UTF_8), T);
            w.abort();
            assertThat(w.pending()).isZero();
        }
        assertThat(LakeFiles.keys(root)).isEmpty();
    }

    @Test
    void temporaryFilesOfACrashAreHiddenAndCleanedUp() throws Exception {
        LakeWriter crashed = writer(LakeWriterConfig.builder(root));
        crashed.accept(Payloads.topic(VIN), good(VIN, T, 1), T);
        // No flush, no close: the process "dies" here.
        List<String> left = LakeFiles.keys(root);
        assertThat(left).isNotEmpty().allMatch(k -> k.substring(k.lastIndexOf('/') + 1).startsWith(".") && k.endsWith(".tmp"));
        assertThat(LakeFiles.files(root, "parquet", ".parquet")).isEmpty();
        assertThat(LakeWriter.deleteOrphans(root)).isEqualTo(left.size());
        assertThat(LakeFiles.keys(root)).isEmpty();
    }

    @Test
    void diskFailureDiscardsTheBatchAndSaysSo() throws Exception {
        Files.writeString(root.resolve("raw"), "a file where the raw directory should be");
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            assertThatThrownBy(() -> w.accept(Payloads.topic(VIN), good(VIN, T, 1), T))
                    .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("the batch was discarded");
            assertThat(w.pending()).isZero();
        }
        assertThat(LakeFiles.files(root, "parquet", ".parquet")).isEmpty();
        assertThat(LakeFiles.files(root, "parquet", ".tmp")).isEmpty();
    }

    @Test
    void twoWritersOnOneRootNeverCollide() throws Exception {
        try (LakeWriter a = writer(LakeWriterConfig.builder(root)); LakeWriter b = writer(LakeWriterConfig.builder(root))) {
            a.accept(Payloads.topic(VIN), good(VIN, T, 1), T);
            b.accept(Payloads.topic(VIN), good(VIN, T, 2), T);
        }
        assertThat(LakeFiles.files(root, "parquet", ".parquet")).hasSize(2);
    }

    @Test
    void parquetRowsFollowTheCatalogSchema() throws Exception {
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), good(VIN, T, 42), T + 1);
        }
        List<GenericRecord> rows = LakeFiles.parquet(LakeFiles.files(root, "parquet", ".parquet").get(0));
        assertThat(rows).hasSize(1);
        GenericRecord r = rows.get(0);
        assertThat(r.get("vin").toString()).isEqualTo(VIN);
        assertThat(r.get("ts")).isEqualTo(T);
        assertThat(r.get("received_at")).isEqualTo(T + 1);
        assertThat(r.get("vehicle_speed")).isEqualTo(4.2f);
        assertThat(r.get("vehicle_powertrain_range")).isEqualTo(300042L);
    }

    @Test
    void pipelinedAndInlineWritersProduceTheSameRowsAndLines() throws Exception {
        Path pipelinedRoot = root.resolve("pipelined");
        Path inlineRoot = root.resolve("inline");
        for (Path r : List.of(pipelinedRoot, inlineRoot)) {
            try (LakeWriter w = writer(LakeWriterConfig.builder(r).pipelined(r == pipelinedRoot))) {
                // More rows than one hand-off chunk, over two hours, with a refused message between.
                for (int i = 0; i < 1_300; i++) {
                    w.accept(Payloads.topic(VIN), good(VIN, T - (i % 2) * 3_600_000L + i, i), T + i);
                    if (i == 700) {
                        w.accept(Payloads.topic(VIN), "not json".getBytes(StandardCharsets.UTF_8), T);
                    }
                }
            }
        }
        assertThat(contents(pipelinedRoot)).isEqualTo(contents(inlineRoot));
    }

    /** Per partition: the Parquet rows (as text, without batch names) and the raw lines. */
    private static List<String> contents(Path lake) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path p : LakeFiles.files(lake, "parquet", ".parquet")) {
            String partition = lake.relativize(p.getParent()).toString();
            for (GenericRecord r : LakeFiles.parquet(p)) {
                out.add(partition + " " + r);
            }
        }
        for (Path p : LakeFiles.files(lake, "raw", ".json.gz")) {
            String partition = lake.relativize(p.getParent()).toString();
            for (JsonNode line : LakeFiles.lines(p)) {
                out.add(partition + " " + line);
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    @Test
    void refusesZeroBatchSize() {
        assertThatThrownBy(() -> LakeWriterConfig.builder(root).maxBatchRecords(0).build()).hasMessageContaining("maxBatchRecords");
    }

    /** The raw lines of every gzip file under {@code area}, split on LF only, as text. */
    static List<String> rawText(Path root, String area) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path p : LakeFiles.files(root, area, ".json.gz")) {
            byte[] all = new java.util.zip.GZIPInputStream(Files.newInputStream(p)).readAllBytes();
            String text = new String(all, StandardCharsets.UTF_8);
            assertThat(text).endsWith("\n");
            out.addAll(List.of(text.substring(0, text.length() - 1).split("\n", -1)));
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void invalidUtf8InAMultiLinePayloadIsQuarantinedAndTheBatchSurvives() throws Exception {
        byte[] poison = concat(("{\"vin\":\"" + VIN + "\",\"note\":\"").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\",\n\"Vehicle\":{\"Speed\":1}}".getBytes(StandardCharsets.UTF_8));
        for (boolean pipelined : new boolean[] {true, false}) {
            Path dir = Files.createDirectory(root.resolve("p" + pipelined));
            CommittedBatch batch;
            try (LakeWriter w = writer(LakeWriterConfig.builder(dir).pipelined(pipelined))) {
                w.accept(Payloads.topic(VIN), good(VIN, T, 1), T);
                w.accept(Payloads.topic(VIN), poison, T + 1);
                w.accept(Payloads.topic(VIN), good(VIN, T, 2), T + 2);
                batch = w.flush();
            }
            assertThat(batch.rows()).as("pipelined=%s", pipelined).isEqualTo(2);
            assertThat(batch.quarantined()).isEqualTo(1);
            JsonNode q = LakeFiles.allLines(dir, LakeLayout.QUARANTINE).get(0);
            assertThat(q.get("reason").asText()).isEqualTo("NOT_JSON");
            assertThat(java.util.Base64.getDecoder().decode(q.get("payloadBase64").asText())).isEqualTo(poison);
        }
    }

    @Test
    void everyRawAndQuarantineLineIsOneJsonDocument() throws Exception {
        String body = "{\"vin\":\"" + VIN + "\",\"Vehicle\":{\"Speed\":4,\"VehicleIdentification\":{\"Brand\":\"\u0a41x\"}}}";
        String bad = "{\"vin\":\"" + VIN + "\",\r\n\"Vehicle\":{\"Speed\":\"fast\"}}";
        try (LakeWriter w = writer(LakeWriterConfig.builder(root))) {
            w.accept(Payloads.topic(VIN), body.getBytes(StandardCharsets.UTF_16LE), T);
            w.accept(Payloads.topic(VIN), ("\uFEFF" + body).getBytes(StandardCharsets.UTF_16BE), T);
            w.accept(Payloads.topic(VIN), bad.getBytes(StandardCharsets.UTF_16LE), T);
            w.accept(Payloads.topic(VIN), bad.getBytes(StandardCharsets.UTF_8), T);
            w.accept(Payloads.topic(VIN), ("\uFEFF" + body + "\r\n").getBytes(StandardCharsets.UTF_8), T);
            w.accept(Payloads.topic(VIN), body.getBytes(StandardCharsets.UTF_8), T);
        }
        List<String> raw = rawText(root, LakeLayout.RAW);
        assertThat(raw).hasSize(2);
        for (String line : raw) {
            assertThat(io.cms.lambda.common.Json.parse(line).get("payload").get("Vehicle").get("VehicleIdentification").get("Brand").asText())
                    .isEqualTo("\u0a41x");
        }
        List<String> quarantine = rawText(root, LakeLayout.QUARANTINE);
        assertThat(quarantine).hasSize(4);
        List<String> reasons = new ArrayList<>();
        for (String line : quarantine) {
            reasons.add(io.cms.lambda.common.Json.parse(line).get("reason").asText());
        }
        assertThat(reasons).containsExactly("NOT_JSON", "NOT_JSON", "NOT_JSON", "WRONG_TYPE");
    }

    @Test
    void multiLinePayloadIsCopiedAsSentOnOneLine() throws Exception {
        String tokens = "\"extra\":0.10000000000000000000001,\"big\":1e400,\"n\":-0,\"dup\":1,\"dupe\":2,\"s\":\"a\\nb\"";
        String payload = "\uFEFF{\"vin\":\"" + VIN + "\",\r\n" + tokens + ",\"Vehicle\":{\"Speed\":1}}\n";
        String refused = "{\"vin\":\"" + VIN + "\",\n" + tokens + ",\"Vehicle\":{\"Speed\":\"x\"}}";
        for (boolean pipelined : new boolean[] {true, false}) {
            Path dir = Files.createDirectory(root.resolve("p" + pipelined));
            try (LakeWriter w = writer(LakeWriterConfig.builder(dir).pipelined(pipelined))) {
                w.accept(Payloads.topic(VIN), payload.getBytes(StandardCharsets.UTF_8), T);
                w.accept(Payloads.topic(VIN), refused.getBytes(StandardCharsets.UTF_8), T);
            }
            assertThat(rawText(dir, LakeLayout.RAW)).singleElement().asString()
                    .endsWith(",\"payload\":{\"vin\":\"" + VIN + "\",  " + tokens + ",\"Vehicle\":{\"Speed\":1}} }");
            assertThat(rawText(dir, LakeLayout.QUARANTINE)).singleElement().asString()
                    .endsWith(",\"payload\":{\"vin\":\"" + VIN + "\", " + tokens + ",\"Vehicle\":{\"Speed\":\"x\"}}}");
        }
    }

    @Test
    void aTopicWhoseRawLineCouldNotBeWrittenIsQuarantinedAlone() throws Exception {
        String topic = Payloads.topic(VIN) + "/\ud800";
        byte[] payload = good(VIN, T, 5);
        for (boolean pipelined : new boolean[] {true, false}) {
            Path dir = Files.createDirectory(root.resolve("p" + pipelined));
            List<io.cms.connectstore.telemetry.Telemetry> handed = new ArrayList<>();
            CommittedBatch batch;
            try (LakeWriter w = writer(LakeWriterConfig.builder(dir).pipelined(pipelined))) {
                w.accept(Payloads.topic(VIN), good(VIN, T, 1), T, handed::add);
                w.accept(topic, payload, T + 1, handed::add);
                w.accept(Payloads.topic(VIN), good(VIN, T, 2), T + 2, handed::add);
                batch = w.flush();
            }
            assertThat(batch.rows()).as("pipelined=%s", pipelined).isEqualTo(2);
            assertThat(batch.quarantined()).isEqualTo(1);
            assertThat(handed).hasSize(2);
            assertThat(LakeFiles.allLines(dir, LakeLayout.RAW)).hasSize(2);
            JsonNode q = LakeFiles.allLines(dir, LakeLayout.QUARANTINE).get(0);
            assertThat(q.get("reason").asText()).isEqualTo("BAD_TOPIC");
            assertThat(q.get("topic").asText()).isEqualTo(topic);
            assertThat(q.get("detail").asText()).contains("unpaired surrogate");
            // Well-formed JSON: kept as the JSON it was.
            assertThat(q.get("payload")).isEqualTo(io.cms.lambda.common.Json.parse(new String(payload, java.nio.charset.StandardCharsets.UTF_8)));
        }
    }
}
