package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * A second consumer on a slot another process streams from: {@code sync} and {@code tail} must
 * refuse within seconds, before any Flink job starts, naming the holder, with exit code 2, and
 * leave the holder streaming. The holder is a plain pgjdbc replication stream with its own
 * application name, so the test can tell it apart in the message.
 *
 * <p>Without the check both commands would start their job and wait in the source for the slot; the
 * timeouts only keep such a failure from hanging the build.
 */
class SlotInUseITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final String SLOT = "res_busy";
    private static final String PUBLICATION = "res_busy_pub";

    private static Connection holderConnection;
    private static PGReplicationStream holder;
    private static int holderPid;

    @TempDir Path dir;

    @BeforeAll
    static void holdTheSlot() throws Exception {
        PG.execute(
                "CREATE TABLE res_docs (id int PRIMARY KEY, body text)",
                "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE res_docs",
                "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        Properties props = PG.config().jdbcProperties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.APPLICATION_NAME.set(props, "res_holder");
        holderConnection = PG.config().connect(props);
        holder =
                holderConnection
                        .unwrap(PGConnection.class)
                        .getReplicationAPI()
                        .replicationStream()
                        .logical()
                        .withSlotName(SLOT)
                        .withSlotOption("proto_version", 1)
                        .withSlotOption("publication_names", PUBLICATION)
                        .withStatusInterval(1, TimeUnit.SECONDS)
                        .start();
        holderPid =
                ((Number)
                                PG.queryValue(
                                        "SELECT active_pid FROM pg_replication_slots"
                                                + " WHERE slot_name = '"
                                                + SLOT
                                                + "'"))
                        .intValue();
    }

    @AfterAll
    static void release() throws Exception {
        // Closing the connection ends the stream; the extension then drops the slot.
        if (holderConnection != null) {
            holderConnection.close();
        }
    }

    private static String dsn() {
        return CliJobFile.dsn(PG);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void syncOnABusySlotExitsWith2NamingTheHolder() throws Exception {
        Path config =
                CliJobFile.write(
                        dir.resolve("job.yaml"),
                        String.join(
                                "\n",
                                CliJobFile.source(PG, "public.res_docs", SLOT),
                                "  publication: " + PUBLICATION,
                                "embedding:",
                                "  columns: [body]",
                                "sink:",
                                "  type: pgvector",
                                "  table: public.res_vectors",
                                "checkpoint:",
                                "  dir: '" + dir.resolve("checkpoints") + "'",
                                ""));

        CliRun r = CliRun.of("sync", "--config", config.toString(), "--no-progress");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err().strip())
                .startsWith(
                        "pgstream: error: replication slot '"
                                + SLOT
                                + "' is in use by PID "
                                + holderPid
                                + " (application 'res_holder', client addr ")
                .endsWith("); stop that process or use another source.slot");
        assertThat(PG.queryValue("SELECT to_regclass('public.res_vectors')"))
                .as("nothing set up for the refused run")
                .isNull();
        assertHolderStillStreams("sync");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void tailOnABusySlotExitsWith2NamingTheHolder() throws Exception {
        CliRun r =
                CliRun.of(
                        "tail",
                        "--dsn",
                        dsn(),
                        "--slot",
                        SLOT,
                        "--publication",
                        PUBLICATION,
                        "--idle-exit",
                        "5");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip())
                .startsWith(
                        "pgstream: error: replication slot '"
                                + SLOT
                                + "' is in use by PID "
                                + holderPid
                                + " (application 'res_holder'")
                .endsWith("use another --slot");
        assertHolderStillStreams("tail");
    }

    /** The same walsender holds the slot and a new change reaches the holder. */
    private static void assertHolderStillStreams(String body) throws Exception {
        assertThat(
                        PG.queryValue(
                                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '"
                                        + SLOT
                                        + "'"))
                .isEqualTo(holderPid);
        PG.execute(
                "INSERT INTO res_docs VALUES ((SELECT coalesce(max(id), 0) + 1 FROM res_docs), '"
                        + body
                        + " still streams')");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> carries(holder.readPending(), body + " still streams"));
    }

    /** Whether a pgoutput message holds {@code text} (an Insert's tuple data is text here). */
    private static boolean carries(ByteBuffer message, String text) {
        if (message == null) {
            return false;
        }
        byte[] bytes = new byte[message.remaining()];
        message.get(message.position(), bytes);
        return new String(bytes, StandardCharsets.UTF_8).contains(text);
    }
}
