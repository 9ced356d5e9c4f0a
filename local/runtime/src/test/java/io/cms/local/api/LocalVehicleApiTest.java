package io.cms.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.api.LatestStateStore;
import io.cms.api.handler.GraphQlResolverHandler;
import io.cms.api.history.HistoryQueryCancelledException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalVehicleApiTest {

    @TempDir
    Path dir;

    private static JsonNode history(GraphQlResolverHandler resolver) {
        var args = Json.object().put("vin", "5YJ3E1EA7KF317000").put("from", "2026-01-01T00:00:00Z").put("to", "2026-01-01T01:00:00Z");
        args.putArray("signals").add("Vehicle.Speed");
        return resolver.resolve(new AppSyncRequest("Query", "getVehicleHistory", args, null));
    }

    @Test
    void historyAfterCloseIsRefusedWithAClearError() throws Exception {
        LocalVehicleApi api = LocalVehicleApi.start(new LatestStateStore(null, "unused"), dir.resolve("lake"), dir.resolve("api"),
                new ReentrantReadWriteLock().readLock());
        GraphQlResolverHandler resolver = api.resolver();
        assertThat(history(resolver).get("items")).as("an empty lake").isEmpty();
        assertThat(history(resolver).get("items")).as("a second query on a new connection").isEmpty();

        api.close();

        assertThatThrownBy(() -> history(resolver))
                .isInstanceOf(HistoryQueryCancelledException.class)
                .hasMessage("history query cancelled: the history engine is shutting down");
    }
}
