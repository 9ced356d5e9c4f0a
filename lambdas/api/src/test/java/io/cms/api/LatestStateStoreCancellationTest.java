package io.cms.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.api.testing.DynamoTables;
import io.cms.lambda.common.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@link LatestStateStore#updateAll} when DynamoDB cancels a transaction for a reason DynamoDB Local
 * does not produce on demand (a conflicting writer, throttling, no reasons): every update is still
 * either stored or reported older, and the retries end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatestStateStoreCancellationTest {

    private AmazonDynamoDBLocal local;
    private CancellingClient dynamo;
    private LatestStateStore store;

    @BeforeAll
    void start() {
        local = DynamoDBEmbedded.create();
        DynamoTables.createLatestState(local.dynamoDbClient(), "LatestState");
        dynamo = new CancellingClient(local.dynamoDbClient());
        store = new LatestStateStore(dynamo, "LatestState");
    }

    @AfterAll
    void stop() {
        local.shutdown();
    }

    /** DynamoDB Local, except that the next scripted transactions are cancelled instead of written. */
    static final class CancellingClient implements DynamoDbClient {
        private final DynamoDbClient local;
        final Deque<TransactionCanceledException> cancellations = new ArrayDeque<>();
        final List<Integer> transactionSizes = new ArrayList<>();
        int puts;

        CancellingClient(DynamoDbClient local) {
            this.local = local;
        }

        @Override
        public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
            transactionSizes.add(request.transactItems().size());
            TransactionCanceledException next = cancellations.poll();
            if (next != null) {
                throw next;
            }
            return local.transactWriteItems(request);
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            puts++;
            return local.putItem(request);
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            return local.getItem(request);
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    private static TransactionCanceledException cancelled(String... codes) {
        List<CancellationReason> reasons = new ArrayList<>();
        for (String code : codes) {
            reasons.add(CancellationReason.builder().code(code).build());
        }
        return TransactionCanceledException.builder().message("Transaction cancelled").cancellationReasons(reasons).build();
    }

    private static ObjectNode speed(double kmh) {
        ObjectNode signals = Json.object();
        signals.putObject("Vehicle").put("Speed", kmh);
        return signals;
    }

    private static String vin(String series, int i) {
        return String.format("WF0%sXXGCDA%06d", series, i);
    }

    /** Three updates of series {@code series}; the first vehicle already holds a newer state. */
    private List<LatestStateStore.Update> threeUpdatesTheFirstOlder(String series) {
        assertThat(store.update(vin(series, 0), 9_000, speed(9))).isTrue();
        dynamo.transactionSizes.clear();
        dynamo.puts = 0;
        List<LatestStateStore.Update> updates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            updates.add(new LatestStateStore.Update(vin(series, i), 5_000, speed(i)));
        }
        return updates;
    }

    private void assertStoredExceptTheFirst(String series) {
        assertThat(store.get(vin(series, 0)).orElseThrow().timestamp()).isEqualTo(9_000);
        for (int i = 1; i < 3; i++) {
            assertThat(store.get(vin(series, i)).orElseThrow().signals().at("/Vehicle/Speed").asDouble()).isEqualTo(i);
        }
    }

    @Test
    void aConflictOrThrottlingIsRetriedWithoutTheRefusedItems() {
        List<LatestStateStore.Update> updates = threeUpdatesTheFirstOlder("AA");
        dynamo.cancellations.add(cancelled("ConditionalCheckFailed", "TransactionConflict", "None"));
        dynamo.cancellations.add(cancelled("ThrottlingError", "None"));

        assertThat(store.updateAll(updates)).containsExactly(false, true, true);
        assertThat(dynamo.transactionSizes).containsExactly(3, 2, 2);
        assertThat(dynamo.puts).isZero();
        assertStoredExceptTheFirst("AA");
    }

    @Test
    void aTransactionThatKeepsConflictingEndsInOnePutPerItem() {
        List<LatestStateStore.Update> updates = threeUpdatesTheFirstOlder("BB");
        for (int i = 0; i < 10; i++) {
            dynamo.cancellations.add(cancelled("None", "TransactionConflict", "None"));
        }

        assertThat(store.updateAll(updates)).containsExactly(false, true, true);
        assertThat(dynamo.transactionSizes).as("a few attempts, then item by item").containsExactly(3, 3, 3, 3);
        assertThat(dynamo.puts).isEqualTo(3);
        assertStoredExceptTheFirst("BB");
        dynamo.cancellations.clear();
    }

    @Test
    void aCancellationWithoutReasonsFallsBackToOnePutPerItem() {
        List<LatestStateStore.Update> updates = threeUpdatesTheFirstOlder("CC");
        dynamo.cancellations.add(TransactionCanceledException.builder().message("Transaction cancelled").build());

        assertThat(store.updateAll(updates)).containsExactly(false, true, true);
        assertThat(dynamo.transactionSizes).containsExactly(3);
        assertThat(dynamo.puts).isEqualTo(3);
        assertStoredExceptTheFirst("CC");
    }

    @Test
    void aCancellationWithAnEmptyOrMismatchedReasonListFallsBackToOnePutPerItem() {
        List<LatestStateStore.Update> updates = threeUpdatesTheFirstOlder("DD");
        dynamo.cancellations.add(cancelled());
        assertThat(store.updateAll(updates)).containsExactly(false, true, true);
        assertThat(dynamo.transactionSizes).containsExactly(3);
        assertStoredExceptTheFirst("DD");

        List<LatestStateStore.Update> more = threeUpdatesTheFirstOlder("EE");
        dynamo.cancellations.add(cancelled("ConditionalCheckFailed"));
        assertThat(store.updateAll(more)).containsExactly(false, true, true);
        assertThat(dynamo.transactionSizes).containsExactly(3);
        assertThat(dynamo.puts).isEqualTo(3);
        assertStoredExceptTheFirst("EE");
    }
}
