package io.pgstream.connector.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An UPDATE that changes the primary key reaches SQL as a delete of the old key and an insert of
 * the new one, in both changelog modes: an upsert sink keyed like the table drops {@code -U}, so a
 * {@code -U}/{@code +U} pair would leave the old key's row behind.
 */
class PostgresTableKeyChangeITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @ParameterizedTest
    @ValueSource(strings = {"all", "upsert"})
    void aKeyChangeIsADeleteOfTheOldKeyAndAnInsertOfTheNew(String mode) throws Exception {
        String table = "keychange_" + mode;
        PG.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)",
                "ALTER TABLE " + table + " REPLICA IDENTITY FULL",
                "INSERT INTO " + table + " VALUES (1, 10)");
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "500 ms");
        conf.setString("parallelism.default", "1");
        TableEnvironment t =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inStreamingMode()
                                .withConfiguration(conf)
                                .build());
        t.executeSql(
                "CREATE TABLE src (id INT, v INT, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + "'connector' = 'pgstream', 'url' = '"
                        + PG.config().jdbcUrl()
                        + "', 'username' = '"
                        + PG.config().user()
                        + "', 'table-name' = '"
                        + table
                        + "', 'slot.name' = 'kc_"
                        + mode
                        + "', 'changelog-mode' = '"
                        + mode
                        + "')");
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (CloseableIterator<Row> rows = t.executeSql("SELECT id, v FROM src").collect()) {
            Thread reader =
                    new Thread(
                            () -> {
                                try {
                                    while (rows.hasNext()) {
                                        log.add(rows.next().toString());
                                    }
                                } catch (RuntimeException cancelled) {
                                    // the job is cancelled when the test closes the iterator
                                }
                            },
                            "collect-reader");
            reader.setDaemon(true);
            reader.start();
            await().atMost(Duration.ofMinutes(1)).until(() -> log.contains("+I[1, 10]"));
            PG.execute("UPDATE " + table + " SET id = 2, v = 20 WHERE id = 1");
            await().atMost(Duration.ofMinutes(1)).until(() -> log.size() >= 3);
            assertThat(log).containsExactly("+I[1, 10]", "-D[1, 10]", "+I[2, 20]");
        }
    }
}
