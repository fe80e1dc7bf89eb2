package io.pgstream.jobs.sink.pgvector;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.BufferedVectorWriter;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorSinkContractTestBase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.MetricGroup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink contract against the real PostgreSQL with pgvector, upserting with {@code INSERT … ON
 * CONFLICT}; {@link PgVectorCopyMergeContractITCase} runs it with {@code COPY}. The transient fault
 * is the vector table locked by another session while the writer's {@code lock_timeout} is 100 ms,
 * so the writer's statements fail with 55P03 until the lock is released.
 */
class PgVectorSinkContractITCase extends VectorSinkContractTestBase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final AtomicInteger TABLES = new AtomicInteger();

    private PgVectorSinkConfig config;

    PgVectorApplier.UpsertMethod method() {
        return PgVectorApplier.UpsertMethod.INSERT_ON_CONFLICT;
    }

    @BeforeEach
    void freshTable() {
        PgConnectionConfig db =
                PgConnectionConfig.parse(
                        PG.config()
                                        .jdbcUrl()
                                        .replace(
                                                "jdbc:postgresql://",
                                                "postgresql://" + PG.config().user() + "@")
                                + "?options=-c%20lock_timeout%3D100");
        config =
                PgVectorSinkConfig.of(
                        db, "pgvectorcontract_" + TABLES.incrementAndGet(), DIMS, true, 3);
    }

    @Override
    protected BufferedVectorWriter writer(
            Duration maxLinger, ProcessingTimeService time, MetricGroup metrics, SinkRetry retry)
            throws Exception {
        return new PgVectorWriter(config, method(), maxLinger, time, metrics, retry);
    }

    private List<String[]> rows() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT source_table, id, chunk, lsn, embedding::text, content,"
                                        + " metadata::text, content_hash, updated_at FROM "
                                        + config.qualifiedTable()
                                        + " ORDER BY 1, 2, 3")) {
            while (rs.next()) {
                String[] row = new String[9];
                for (int i = 0; i < 9; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        } catch (org.postgresql.util.PSQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return rows; // no writer has created the table yet
            }
            throw e;
        }
        return rows;
    }

    @Override
    protected List<String> keys() throws Exception {
        List<String> keys = new ArrayList<>();
        for (String[] r : rows()) {
            keys.add(r[0] + ":" + r[1] + "/" + r[2] + "@" + r[3]);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    protected Map<String, String> snapshot() throws Exception {
        Map<String, String> state = new TreeMap<>();
        for (String[] r : rows()) {
            state.put(r[0] + ":" + r[1] + "/" + r[2], String.join("|", r));
        }
        return state;
    }

    @Override
    protected String content(String table, String id, int chunk) throws Exception {
        for (String[] r : rows()) {
            if (r[0].equals(table) && r[1].equals(id) && r[2].equals(Integer.toString(chunk))) {
                return r[5];
            }
        }
        return null;
    }

    @Override
    protected AutoCloseable transientFault() throws Exception {
        // The writer creates the table; it exists before a test writes through this fault.
        Connection locker = PG.connect();
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
            s.execute("LOCK TABLE " + config.qualifiedTable() + " IN ACCESS EXCLUSIVE MODE");
        }
        return () -> {
            locker.rollback();
            locker.close();
        };
    }
}
