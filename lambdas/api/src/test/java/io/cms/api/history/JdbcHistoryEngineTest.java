package io.cms.api.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.api.testing.DuckConnections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcHistoryEngineTest {

    /** Runs until cancelled: a cross join of 10^18 rows that no optimizer folds away. */
    private static final SqlQuery ENDLESS = new SqlQuery(
            "SELECT count(*) AS n FROM range(1000000000) a, range(1000000000) b WHERE a.range + b.range = ?", List.of(-1), 1);

    private final CountDownLatch inside = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Connection> opened = new CopyOnWriteArrayList<>();
    private Connection duck;
    private JdbcHistoryEngine engine;

    @BeforeEach
    void open() throws SQLException {
        duck = DriverManager.getConnection("jdbc:duckdb:");
        // hold(x): tells the test it is running, then waits for it; returns x.
        DuckDBFunctions.scalarFunction().withName("hold").withParameter(int.class).withReturnType(int.class)
                .withIntFunction(x -> {
                    inside.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return x;
                }).withVolatile().register(duck);
        ConnectionSource duplicates = DuckConnections.of(duck);
        engine = new JdbcHistoryEngine(() -> {
            Connection c = duplicates.open();
            opened.add(c);
            return c;
        });
    }

    @AfterEach
    void close() throws SQLException {
        release.countDown();
        engine.close();
        duck.close();
    }

    private EngineResult run(String sql, long seconds) {
        return engine.run(new SqlQuery(sql, List.of(), 1), null, Instant.now().plusSeconds(seconds));
    }

    @Test
    void twoQueriesRunAtTheSameTimeEachOnItsOwnConnection() throws Exception {
        CompletableFuture<EngineResult> held = CompletableFuture.supplyAsync(() -> run("SELECT hold(range::INTEGER) AS v FROM range(1, 2)", 60));
        assertThat(inside.await(30, TimeUnit.SECONDS)).as("the first query is running").isTrue();

        CompletableFuture<EngineResult> second = CompletableFuture.supplyAsync(() -> run("SELECT 2 AS v", 60));
        assertThat(second.get(30, TimeUnit.SECONDS).rows().get(0).get("v").asInt())
                .as("answered while the first query still runs").isEqualTo(2);
        assertThat(held).isNotDone();

        release.countDown();
        assertThat(held.get(30, TimeUnit.SECONDS).rows().get(0).get("v").asInt()).isEqualTo(1);
        assertThat(opened).hasSize(2).allSatisfy(c -> assertThat(c.isClosed()).as("closed after its query").isTrue());
    }

    @Test
    void aQueryStillRunningAtItsDeadlineIsCancelledAndTheNextOneRuns() throws Exception {
        CompletableFuture<EngineResult> slow = CompletableFuture.supplyAsync(
                () -> engine.run(ENDLESS, null, Instant.now().plusMillis(300)));
        assertThatThrownBy(() -> slow.get(60, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(HistoryQueryCancelledException.class)
                .hasMessage("history query did not finish by its deadline; narrow the time range");

        assertThat(run("SELECT 3 AS v", 60).rows().get(0).get("v").asInt()).isEqualTo(3);
        assertThat(opened).hasSize(2).allSatisfy(c -> assertThat(c.isClosed()).isTrue());
    }

    @Test
    void aFailedQueryClosesItsConnection() {
        assertThatThrownBy(() -> run("SELECT no_such_column", 60))
                .isInstanceOf(HistoryQueryFailedException.class)
                .isNotInstanceOf(HistoryQueryCancelledException.class)
                .hasMessageContaining("no_such_column");
        assertThat(opened).hasSize(1).allSatisfy(c -> assertThat(c.isClosed()).isTrue());
    }

    @Test
    void aDeadlineAlreadyPastOpensNoConnection() {
        assertThatThrownBy(() -> engine.run(new SqlQuery("SELECT 1", List.of(), 1), null, Instant.now().minusMillis(1)))
                .isInstanceOf(HistoryQueryCancelledException.class)
                .hasMessageContaining("deadline");
        assertThatThrownBy(() -> engine.run(new SqlQuery("SELECT 1", List.of(), 1), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a history query needs a deadline");
        assertThat(opened).isEmpty();
    }

    @Test
    void closingCancelsARunningQueryAndRefusesNewOnes() throws Exception {
        CompletableFuture<EngineResult> running = CompletableFuture.supplyAsync(
                () -> engine.run(ENDLESS, null, Instant.now().plusSeconds(600)));
        while (opened.isEmpty() && !running.isDone()) {
            Thread.onSpinWait();
        }

        engine.close();

        assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(HistoryQueryCancelledException.class)
                .hasMessage("history query cancelled: the history engine is shutting down");
        assertThatThrownBy(() -> run("SELECT 1", 60))
                .isInstanceOf(HistoryQueryCancelledException.class)
                .hasMessage("history query cancelled: the history engine is shutting down");
        assertThat(opened).hasSize(1).allSatisfy(c -> assertThat(c.isClosed()).isTrue());
    }

    @Test
    void aQueryAdmittedBeforeCloseButNotYetRunningIsRefusedAndCloseWaitsForIt() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ConnectionSource duplicates = DuckConnections.of(duck);
        JdbcHistoryEngine slowToConnect = new JdbcHistoryEngine(() -> {
            opening.countDown();
            try {
                proceed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new SQLException(e);
            }
            Connection c = duplicates.open();
            opened.add(c);
            return c;
        });
        CompletableFuture<EngineResult> query = CompletableFuture.supplyAsync(
                () -> slowToConnect.run(new SqlQuery("SELECT 1 AS v", List.of(), 1), null, Instant.now().plusSeconds(600)));
        assertThat(opening.await(30, TimeUnit.SECONDS)).as("the query is opening its connection").isTrue();

        Thread closer = new Thread(slowToConnect::close, "closer");
        closer.start();
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
            Thread.onSpinWait(); // close() has refused new queries and waits for the admitted one
        }
        assertThat(closer.isAlive()).as("close waits for the admitted query").isTrue();
        proceed.countDown();

        assertThatThrownBy(() -> query.get(30, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(HistoryQueryCancelledException.class)
                .hasMessage("history query cancelled: the history engine is shutting down");
        closer.join(30_000);
        assertThat(closer.isAlive()).as("close returned once the query was refused").isFalse();
        assertThat(opened).hasSize(1).allSatisfy(c -> assertThat(c.isClosed()).isTrue());
    }
}
