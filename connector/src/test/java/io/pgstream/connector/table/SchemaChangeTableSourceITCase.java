package io.pgstream.connector.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.testutils.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ALTER TABLE} on the table a running Flink SQL query reads with {@code 'connector' =
 * 'pgstream'}: the declared schema is kept. A column added in PostgreSQL is ignored, and a type
 * change the declared type still holds (int to bigint, read as BIGINT) goes on; a dropped declared
 * column, or a type change whose values no longer convert, fails the query (without restarts)
 * naming the column, the table and the types.
 */
class SchemaChangeTableSourceITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @Test
    void anAddedColumnIsIgnoredAConvertibleTypeChangeGoesOnAndADroppedColumnFailsNamingIt()
            throws Exception {
        PG.execute(
                "CREATE TABLE sc_drop (id int PRIMARY KEY, name text, n int, gone text)",
                "ALTER TABLE sc_drop REPLICA IDENTITY FULL",
                "INSERT INTO sc_drop VALUES (1, 'one', 1, 'g1')");
        SlotManager.prepareFor(
                PG.config(), "tsrc_sc_drop", "tsrc_sc_drop_pub", List.of("public.sc_drop"));
        TableEnvironment t = tableEnv();
        t.executeSql(
                "CREATE TABLE sc_drop (id INT, name STRING, n BIGINT, gone STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with("sc_drop", "tsrc_sc_drop"));
        try (Collected result = new Collected(t.executeSql("SELECT * FROM sc_drop"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> result.rows.size() == 1);
            PG.execute(
                    "ALTER TABLE sc_drop ADD COLUMN extra text",
                    "INSERT INTO sc_drop VALUES (2, 'two', 2, 'g2', 'ignored')",
                    "ALTER TABLE sc_drop ALTER COLUMN n TYPE bigint",
                    "INSERT INTO sc_drop VALUES (3, 'three', 5000000000, 'g3', 'ignored')");
            await().atMost(Duration.ofMinutes(1)).until(() -> result.rows.size() == 3);
            assertThat(result.rows)
                    .extracting(Row::toString)
                    .containsExactly(
                            "+I[1, one, 1, g1]",
                            "+I[2, two, 2, g2]",
                            "+I[3, three, 5000000000, g3]");

            PG.execute(
                    "ALTER TABLE sc_drop DROP COLUMN gone",
                    "INSERT INTO sc_drop VALUES (4, 'four', 4, 'ignored')");
            await().atMost(Duration.ofMinutes(1)).until(() -> result.failure != null);
            assertThat(result.failureMessages())
                    .contains("Column 'gone'")
                    .contains("no longer in public.sc_drop (dropped or renamed");
            assertThat(result.rows).hasSize(3);
        }
    }

    @Test
    void aTypeChangeThatNoLongerConvertsFailsNamingTheColumnAndTypes() throws Exception {
        PG.execute(
                "CREATE TABLE sc_type (id int PRIMARY KEY, n int)",
                "INSERT INTO sc_type VALUES (1, 1)");
        SlotManager.prepareFor(
                PG.config(), "tsrc_sc_type", "tsrc_sc_type_pub", List.of("public.sc_type"));
        TableEnvironment t = tableEnv();
        t.executeSql(
                "CREATE TABLE sc_type (id INT, n INT, PRIMARY KEY (id) NOT ENFORCED)"
                        + with("sc_type", "tsrc_sc_type"));
        try (Collected result = new Collected(t.executeSql("SELECT * FROM sc_type"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> result.rows.size() == 1);
            PG.execute(
                    "ALTER TABLE sc_type ALTER COLUMN n TYPE text",
                    "INSERT INTO sc_type VALUES (2, 'two')");
            await().atMost(Duration.ofMinutes(1)).until(() -> result.failure != null);
            assertThat(result.failureMessages())
                    .contains("Column 'n' of public.sc_type changed type")
                    .contains("integer read as INT")
                    .contains("a String value arrives now");
            assertThat(result.rows).hasSize(1);
        }
    }

    private static TableEnvironment tableEnv() {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "500 ms");
        conf.setString("parallelism.default", "1");
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(conf)
                        .build());
    }

    private static String with(String table, String slot) {
        return " WITH ('connector' = 'pgstream', 'hostname' = '"
                + PG.config().host()
                + "', 'port' = '"
                + PG.config().port()
                + "', 'database-name' = '"
                + PG.config().database()
                + "', 'username' = '"
                + PG.config().user()
                + "', 'table-name' = '"
                + table
                + "', 'slot.name' = '"
                + slot
                + "', 'publication.name' = '"
                + slot
                + "_pub', 'changelog-mode' = 'upsert')";
    }

    /** The query's rows, read on a background thread, and how it ended. */
    private static final class Collected implements AutoCloseable {
        final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
        private final CloseableIterator<Row> it;
        volatile Throwable failure;

        Collected(TableResult result) {
            it = result.collect();
            Thread reader =
                    new Thread(
                            () -> {
                                try {
                                    while (it.hasNext()) {
                                        rows.add(it.next());
                                    }
                                } catch (Throwable e) {
                                    failure = e;
                                }
                            },
                            "collect-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Every message of the failure's cause chain, one per line. */
        String failureMessages() {
            StringBuilder sb = new StringBuilder();
            for (Throwable c = failure; c != null; c = c.getCause()) {
                sb.append(c.getMessage()).append('\n');
            }
            return sb.toString();
        }

        @Override
        public void close() throws Exception {
            it.close();
        }
    }
}
