package io.pgstream.connector.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.event.RowValues;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.ChunkPlanner;
import io.pgstream.connector.snapshot.ChunkReader;
import io.pgstream.connector.snapshot.SnapshotChunk;
import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshot rows ({@code read} events from {@link ChunkReader}) carry exactly the values the stream
 * gives for the same rows: random rows of every supported type are inserted once, read back through
 * a pgoutput slot and through snapshot chunks, and compared column by column.
 */
class SnapshotValuesITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @Test
    void readEventsEqualStreamedInserts() throws Exception {
        StringBuilder wide = new StringBuilder("CREATE TABLE wide (id bigint PRIMARY KEY");
        for (String[] c : RandomValues.WIDE_COLUMNS) {
            wide.append(", ").append(c[0]).append(' ').append(c[1]);
        }
        PG.execute(
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
                "CREATE TYPE pair AS (a int, b text)",
                wide.append(")").toString(),
                "CREATE PUBLICATION snap FOR TABLE wide",
                "SELECT pg_create_logical_replication_slot('snap_"
                        + PG.config().database()
                        + "',"
                        + " 'pgoutput')");
        long seed = System.nanoTime();
        System.out.println("SnapshotValuesITCase seed = " + seed);
        RandomValues values = new RandomValues(new Random(seed));
        try (Connection c = PG.connect();
                Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = on");
            for (int id = 1; id <= 300; id++) {
                StringBuilder sql = new StringBuilder("INSERT INTO wide VALUES (").append(id);
                for (String[] col : RandomValues.WIDE_COLUMNS) {
                    sql.append(", ").append(values.literal(col[1]));
                }
                s.execute(sql.append(")").toString());
            }
        }

        List<ChangeEvent> streamed = stream();
        List<ChangeEvent> read = new ArrayList<>();
        TableId table = TableId.parse("wide");
        try (Connection c = PG.connect();
                ChunkReader reader = new ChunkReader(PG.config())) {
            ChunkPlanner.TableKey key = ChunkPlanner.key(c, table);
            for (SnapshotChunk chunk : new ChunkPlanner(64).plan(c, table, key)) {
                reader.read(chunk, key.types(), read::add);
            }
        }
        Comparator<ChangeEvent> byId = Comparator.comparing(e -> (Long) e.row().get("id"));
        streamed.sort(byId);
        read.sort(byId);
        assertThat(read).hasSize(300).allMatch(e -> e.operation() == Operation.READ);
        assertThat(streamed).hasSize(300);
        for (int i = 0; i < 300; i++) {
            ChangeEvent want = streamed.get(i);
            ChangeEvent got = read.get(i);
            assertThat(got.row().keySet()).containsExactlyElementsOf(want.row().keySet());
            for (String column : want.row().keySet()) {
                assertThat(RowValues.valuesEqual(got.row().get(column), want.row().get(column)))
                        .as(
                                "id %s column %s: snapshot %s, stream %s",
                                want.row().get("id"),
                                column,
                                RowValues.toString(got.row().get(column)),
                                RowValues.toString(want.row().get(column)))
                        .isTrue();
            }
        }
    }

    private List<ChangeEvent> stream() throws Exception {
        RecordingListener listener = new RecordingListener();
        ChangeEventAssembler assembler = new ChangeEventAssembler(1, listener);
        try (Connection c = PG.connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "SET DateStyle = ISO; SET IntervalStyle = postgres; SET bytea_output = hex;"
                            + " SET extra_float_digits = 3");
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes('snap_"
                                    + PG.config().database()
                                    + "', NULL, NULL, 'proto_version', '1',"
                                    + " 'publication_names', 'snap')")) {
                while (rs.next()) {
                    assembler.accept(Lsn.parse(rs.getString(1)), ByteBuffer.wrap(rs.getBytes(2)));
                }
            }
        }
        return new ArrayList<>(listener.allChanges());
    }
}
