package io.pgstream.connector.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.testutils.ThrowawayCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The low-watermark promise of {@link ChunkReader}: every transaction whose commit record lies
 * before a chunk's LSN is in the chunk's rows. The dangerous case is a transaction whose commit
 * record is written but which is not yet visible; a synchronous standby that never answers holds a
 * committing transaction in exactly that state, so this runs on a throwaway cluster from {@code
 * bin/pg-local} on its own port (the shared test server is never touched).
 */
class ChunkWatermarkITCase {

    private static final ThrowawayCluster CLUSTER = new ThrowawayCluster(54342, "watermark-test");
    private static PgConnectionConfig server;

    @BeforeAll
    static void startThrowawayCluster() throws Exception {
        server = CLUSTER.startFresh();
        execute("CREATE TABLE wm (id int PRIMARY KEY)", "INSERT INTO wm VALUES (0)");
    }

    @AfterAll
    static void destroyThrowawayCluster() throws Exception {
        CLUSTER.pgLocal("destroy");
    }

    private static void execute(String... sql) throws SQLException {
        try (Connection c = server.connect();
                Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static Object query(String sql) throws SQLException {
        try (Connection c = server.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    @Test
    void aTransactionCommittedBeforeTheChunksLsnIsInItsRowsEvenIfNotYetVisibleAtTheStart()
            throws Exception {
        // Commits now wait for a standby that does not exist: committed in WAL, not yet visible.
        execute(
                "ALTER SYSTEM SET synchronous_standby_names = 'pgstream_absent_standby'",
                "SELECT pg_reload_conf()");
        Connection writer = server.connect();
        int writerPid;
        try (Statement s = writer.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            writerPid = rs.getInt(1);
        }
        CompletableFuture<Void> commit =
                CompletableFuture.runAsync(
                        () -> {
                            try (Statement s = writer.createStatement()) {
                                s.execute("SET synchronous_commit = on");
                                s.execute("INSERT INTO wm VALUES (1)");
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    "SyncRep"
                                            .equals(
                                                    query(
                                                            "SELECT wait_event FROM"
                                                                    + " pg_stat_activity WHERE pid = "
                                                                    + writerPid)));
            Lsn afterCommitRecord =
                    Lsn.parse((String) query("SELECT pg_current_wal_insert_lsn()::text"));
            assertThat(query("SELECT count(*) FROM wm WHERE id = 1"))
                    .as("the committing insert is not visible yet")
                    .isEqualTo(0L);

            List<Integer> ids = new ArrayList<>();
            CompletableFuture<Lsn> read =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try (Connection c = server.connect();
                                        ChunkReader reader = new ChunkReader(server)) {
                                    TableId table = TableId.parse("wm");
                                    ChunkPlanner.TableKey key = ChunkPlanner.key(c, table);
                                    SnapshotChunk chunk =
                                            new ChunkPlanner(1000).plan(c, table, key).get(0);
                                    return reader.read(chunk, key.types(), e -> ids.add(id(e)));
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            // The reader has its watermark and now polls for the committing transaction to end.
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    read.isDone()
                                            || (Long)
                                                            query(
                                                                    "SELECT count(*) FROM pg_stat_activity"
                                                                            + " WHERE query LIKE"
                                                                            + " '%backend_xid = ANY%'"
                                                                            + " AND pid <>"
                                                                            + " pg_backend_pid()")
                                                    > 0);
            assertThat(read).as("the chunk waits for the committing transaction").isNotDone();
            // Release the commit: the transaction becomes visible.
            execute("SELECT pg_cancel_backend(" + writerPid + ")");
            commit.handle((ok, error) -> null).get(30, TimeUnit.SECONDS);

            Lsn asOf = read.get(60, TimeUnit.SECONDS);
            assertThat(asOf).isGreaterThanOrEqualTo(afterCommitRecord);
            assertThat(ids).containsExactlyInAnyOrder(0, 1);
        } finally {
            execute("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
            writer.close();
        }
    }

    private static int id(ChangeEvent e) {
        return ((Number) e.row().get("id")).intValue();
    }
}
