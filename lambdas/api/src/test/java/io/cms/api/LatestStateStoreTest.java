package io.cms.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatestStateStoreTest {

    private AmazonDynamoDBLocal local;
    private DynamoDbClient dynamo;
    private LatestStateStore store;

    @BeforeAll
    void start() {
        local = DynamoDBEmbedded.create();
        dynamo = local.dynamoDbClient();
        dynamo.createTable(b -> b.tableName("VehicleState")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("vin").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("vin").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        store = new LatestStateStore(dynamo, "VehicleState");
    }

    @AfterAll
    void stop() {
        local.shutdown();
    }

    private static ObjectNode speed(double kmh) {
        ObjectNode signals = Json.object();
        signals.putObject("Vehicle").put("Speed", kmh);
        return signals;
    }

    @Test
    void anOlderMessageNeverOverwritesANewerOne() {
        String vin = "1HGCM82633A000001";
        assertThat(store.update(vin, 2_000, speed(50))).isTrue();
        assertThat(store.update(vin, 1_000, speed(10))).isFalse();
        assertThat(store.update(vin, 2_000, speed(99))).isFalse();
        assertThat(store.get(vin)).get().satisfies(s -> {
            assertThat(s.timestamp()).isEqualTo(2_000);
            assertThat(s.signals().at("/Vehicle/Speed").asDouble()).isEqualTo(50);
        });
        assertThat(store.update(vin, 3_000, speed(70))).isTrue();
        assertThat(store.get(vin).orElseThrow().signals().at("/Vehicle/Speed").asDouble()).isEqualTo(70);
    }

    @Test
    void concurrentUpdatesInAnyOrderEndWithTheNewest() throws Exception {
        String vin = "1HGCM82633A000002";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long ts = (i * 7919L) % 200 + 1;
            results.add(pool.submit(() -> store.update(vin, ts, speed(ts))));
        }
        for (Future<Boolean> r : results) {
            r.get();
        }
        pool.shutdown();
        assertThat(store.get(vin).orElseThrow().timestamp()).isEqualTo(200);
    }

    @Test
    void unknownVehicleHasNoState() {
        assertThat(store.get("1HGCM82633A000099")).isEmpty();
    }

    @Test
    void pagingVisitsEveryVehicleExactlyOnce() {
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            String vin = String.format("5YJ3E1EA7KF%06d", i);
            store.update(vin, 1, speed(i));
            written.add(vin);
        }
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            Page<VehicleState> page = store.list(5, token);
            for (VehicleState s : page.items()) {
                assertThat(seen.add(s.vin())).as("%s seen twice", s.vin()).isTrue();
            }
            token = page.nextToken();
            pages++;
        } while (token != null && pages < 100);
        assertThat(seen).containsAll(written);
    }

    @Test
    void refusesInjectionAttemptsInVinAndToken() {
        for (String bad : List.of("1HGCM82633A00435' OR '1'='1", "1HGCM82633A004352;--", "x".repeat(10_000), "")) {
            assertThatThrownBy(() -> store.get(bad)).isInstanceOf(BadInputException.class);
            assertThatThrownBy(() -> store.list(5, bad)).isInstanceOf(BadInputException.class);
        }
        assertThatThrownBy(() -> store.list(0, null)).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> store.list(101, null)).isInstanceOf(BadInputException.class);
    }

    @Test
    void aBatchStoresTheNewerStatesAndKeepsTheStoredOnesThatAreNewer() {
        // 60 vehicles: more than two transactions; every third one already holds a newer state.
        List<LatestStateStore.Update> updates = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String vin = String.format("WBA3A5C5XDF%06d", i);
            if (i % 3 == 0) {
                assertThat(store.update(vin, 5_000, speed(1))).isTrue();
            }
            updates.add(new LatestStateStore.Update(vin, 4_000, speed(i)));
        }
        List<Boolean> stored = store.updateAll(updates);
        for (int i = 0; i < 60; i++) {
            String vin = String.format("WBA3A5C5XDF%06d", i);
            boolean older = i % 3 == 0;
            assertThat(stored.get(i)).as("vehicle %d stored", i).isEqualTo(!older);
            VehicleState state = store.get(vin).orElseThrow();
            assertThat(state.timestamp()).isEqualTo(older ? 5_000 : 4_000);
            assertThat(state.signals().at("/Vehicle/Speed").asDouble()).isEqualTo(older ? 1 : i);
        }
    }

    @Test
    void aBatchLargerThanOneTransactionMayCarryIsSplitByItsBytes() {
        // 12 states of ~350 KB: about 4 MB, more than one DynamoDB transaction may carry.
        List<LatestStateStore.Update> updates = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ObjectNode signals = Json.object();
            signals.putObject("Vehicle").put("Note", Integer.toString(i).repeat(350_000 / Integer.toString(i).length()));
            updates.add(new LatestStateStore.Update(String.format("WBA3A5C5XDG%06d", i), 7_000, signals));
        }

        assertThat(store.updateAll(updates)).hasSize(12).containsOnly(true);
        for (int i = 0; i < 12; i++) {
            assertThat(store.get(String.format("WBA3A5C5XDG%06d", i)).orElseThrow().signals().at("/Vehicle/Note").asText())
                    .startsWith(Integer.toString(i)).hasSizeGreaterThan(349_000);
        }
    }

    @Test
    void aBatchOfOnlyOlderStatesChangesNothing() {
        String a = "WDD2050041F000001";
        String b = "WDD2050041F000002";
        store.update(a, 9_000, speed(9));
        store.update(b, 9_000, speed(9));
        assertThat(store.updateAll(List.of(new LatestStateStore.Update(a, 8_000, speed(8)),
                new LatestStateStore.Update(b, 9_000, speed(8))))).containsExactly(false, false);
        assertThat(store.get(a).orElseThrow().signals().at("/Vehicle/Speed").asDouble()).isEqualTo(9);
        assertThat(store.get(b).orElseThrow().signals().at("/Vehicle/Speed").asDouble()).isEqualTo(9);
        assertThat(store.updateAll(List.of())).isEmpty();
    }

    @Test
    void aBatchRefusesAVehicleTwiceAndABadVinBeforeWritingAnything() {
        String vin = "WVWZZZ1KZAW000001";
        assertThatThrownBy(() -> store.updateAll(List.of(new LatestStateStore.Update(vin, 1, speed(1)),
                new LatestStateStore.Update(vin, 2, speed(2))))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> store.updateAll(List.of(new LatestStateStore.Update(vin, 1, speed(1)),
                new LatestStateStore.Update("not-a-vin'", 2, speed(2))))).isInstanceOf(BadInputException.class);
        assertThat(store.get(vin)).isEmpty();
    }
}
