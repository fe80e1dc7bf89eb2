package io.pgstream.connector.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.event.RowValues;
import io.pgstream.connector.snapshot.CatalogTypes;
import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The decoder against PostgreSQL's own {@code test_decoding} over the same WAL: a randomized
 * workload (every supported type, NULLs, TOASTed values updated and left alone, rolled-back
 * transactions and savepoints, key changes, a multi-table TRUNCATE, and a transaction large enough
 * to be streamed under protocol 2 with {@code logical_decoding_work_mem = 64kB}) is read through
 * two slots created at the same point, and compared transaction by transaction, change by change,
 * value by value. pgoutput is read twice, in text and in binary format.
 *
 * <p>The seed is printed; rerun a failure with {@code -Dpgstream.seed=<seed>}.
 */
class PgOutputDifferentialITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int BOOL_OID = 16;

    private static final String SESSION =
            "SET DateStyle = ISO; SET IntervalStyle = postgres; SET bytea_output = hex;"
                    + " SET extra_float_digits = 3; SET TimeZone = 'UTC';"
                    + " SET logical_decoding_work_mem = '64kB'";

    @Test
    void pgoutputAgreesWithTestDecodingOnARandomWorkload() throws Exception {
        long seed = Long.getLong("pgstream.seed", System.nanoTime());
        System.out.println("PgOutputDifferentialITCase seed = " + seed);
        Random random = new Random(seed);
        String db = PG.config().database();
        String pgoutputSlot = "diff_po_" + db;
        String testDecodingSlot = "diff_td_" + db;

        createSchema();
        PG.execute(
                "SELECT pg_create_logical_replication_slot('" + pgoutputSlot + "', 'pgoutput')",
                "SELECT pg_create_logical_replication_slot('"
                        + testDecodingSlot
                        + "', 'test_decoding')");
        new Workload(random).run();

        List<TestDecodingOutput.Tx> expected = readTestDecoding(testDecodingSlot);
        RecordingListener text = readPgOutput(pgoutputSlot, false);
        RecordingListener binary = readPgOutput(pgoutputSlot, true);

        assertThat(text.calls).as("the large transaction was streamed").contains("streamStart");
        assertThat(text.calls).as("a subtransaction abort was streamed").contains("streamAbort");
        assertThat(expected.size()).isGreaterThan(100);
        assertThat(text.committed)
                .extracting(RecordingListener.Tx::xid)
                .containsExactlyElementsOf(
                        expected.stream().map(TestDecodingOutput.Tx::xid).toList());
        Map<String, Map<String, Integer>> types = columnTypes();
        ValueDecoder oracle = new ValueDecoder(registryFromCatalog());
        int compared = 0;
        for (int t = 0; t < expected.size(); t++) {
            List<TestDecodingOutput.Change> want = expected.get(t).changes();
            List<ChangeEvent> got = flattenTruncates(text.committed.get(t).changes());
            assertThat(got).as("changes of xid %d", expected.get(t).xid()).hasSize(want.size());
            for (int c = 0; c < want.size(); c++) {
                compare(want.get(c), got.get(c), types, oracle);
                compared++;
            }
        }
        assertThat(binary.allChanges()).isEqualTo(text.allChanges());
        assertThat(compared).isGreaterThan(1000);
    }

    /** One test_decoding TRUNCATE line names all tables; pgoutput gives one event per table. */
    private static List<ChangeEvent> flattenTruncates(List<ChangeEvent> events) {
        List<ChangeEvent> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            out.add(e);
            if (e.operation() == Operation.TRUNCATE) {
                while (i + 1 < events.size()
                        && events.get(i + 1).operation() == Operation.TRUNCATE
                        && events.get(i + 1).lsn().equals(e.lsn())) {
                    i++;
                }
            }
        }
        return out;
    }

    private static void compare(
            TestDecodingOutput.Change want,
            ChangeEvent got,
            Map<String, Map<String, Integer>> types,
            ValueDecoder oracle) {
        String where = want + "\n vs \n" + got;
        assertThat(got.operation().name()).as(where).isEqualTo(want.op());
        assertThat(got.schema() + "." + got.table()).as(where).isEqualTo(want.tables().get(0));
        if (want.op().equals("TRUNCATE")) {
            assertThat(got.truncateCascade())
                    .as(where)
                    .isEqualTo(want.truncateFlags().contains("cascade"));
            assertThat(got.truncateRestartIdentity())
                    .as(where)
                    .isEqualTo(want.truncateFlags().contains("restart_seqs"));
            return;
        }
        Map<String, Integer> columnTypes = types.get(got.table());
        if (want.newValues() != null) {
            TreeSet<String> toast = new TreeSet<>();
            want.newValues()
                    .forEach(
                            (k, v) -> {
                                if (v == TestDecodingOutput.UNCHANGED_TOAST) {
                                    toast.add(k);
                                }
                            });
            assertThat(got.unchangedToastColumns())
                    .as(where)
                    .containsExactlyInAnyOrderElementsOf(toast);
            assertValues(want.newValues(), got.row(), columnTypes, oracle, false, where);
        } else {
            assertThat(got.row()).as(where).isNull();
        }
        if (want.oldValues() != null) {
            assertValues(want.oldValues(), got.oldRow(), columnTypes, oracle, true, where);
        } else {
            assertThat(got.oldRow()).as(where).isNull();
        }
    }

    private static void assertValues(
            Map<String, String> want,
            Map<String, Object> got,
            Map<String, Integer> columnTypes,
            ValueDecoder oracle,
            boolean skipNulls,
            String where) {
        assertThat(got).as(where).isNotNull();
        Map<String, Object> expected = new HashMap<>();
        want.forEach(
                (column, text) -> {
                    if (text == TestDecodingOutput.UNCHANGED_TOAST) {
                        return;
                    }
                    if (text == null) {
                        expected.put(column, null);
                        return;
                    }
                    int type = columnTypes.get(column);
                    if (type == BOOL_OID) {
                        // test_decoding prints booleans as true/false, typoutput as t/f.
                        text = text.equals("true") ? "t" : text.equals("false") ? "f" : text;
                    }
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    expected.put(column, oracle.decodeText(type, bytes, 0, bytes.length));
                });
        Map<String, Object> actual = new HashMap<>(got);
        if (skipNulls) {
            // test_decoding leaves out NULL columns of old tuples.
            actual.values().removeIf(v -> v == null);
        }
        assertThat(actual.keySet()).as(where).isEqualTo(expected.keySet());
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object value = actual.get(e.getKey());
            assertThat(RowValues.valuesEqual(e.getValue(), value))
                    .as(
                            "column %s: test_decoding %s, pgoutput %s\n%s",
                            e.getKey(),
                            RowValues.toString(e.getValue()),
                            RowValues.toString(value),
                            where)
                    .isTrue();
        }
    }

    private void createSchema() throws SQLException {
        StringBuilder wide = new StringBuilder("CREATE TABLE wide (id bigint PRIMARY KEY");
        for (String[] c : RandomValues.WIDE_COLUMNS) {
            wide.append(", ").append(c[0]).append(' ').append(c[1]);
        }
        wide.append(")");
        PG.execute(
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
                "CREATE TYPE pair AS (a int, b text)",
                wide.toString(),
                "CREATE TABLE docs (id int PRIMARY KEY, title text, body text)",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
                "CREATE TABLE full_rows (a int, b text, c numeric)",
                "ALTER TABLE full_rows REPLICA IDENTITY FULL",
                "CREATE TABLE parents (id int PRIMARY KEY)",
                "CREATE TABLE children (id int PRIMARY KEY, parent int REFERENCES parents)",
                "CREATE PUBLICATION diff FOR ALL TABLES");
    }

    private Map<String, Map<String, Integer>> columnTypes() throws SQLException {
        Map<String, Map<String, Integer>> types = new HashMap<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT c.relname, a.attname, a.atttypid FROM pg_attribute a"
                                        + " JOIN pg_class c ON c.oid = a.attrelid"
                                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                        + " WHERE n.nspname = 'public' AND c.relkind = 'r'"
                                        + " AND a.attnum > 0 AND NOT a.attisdropped")) {
            while (rs.next()) {
                types.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                        .put(rs.getString(2), (int) rs.getLong(3));
            }
        }
        return types;
    }

    /** The registry Type messages build: user types as pgoutput names them. */
    private TypeRegistry registryFromCatalog() throws SQLException {
        try (Connection c = PG.connect()) {
            return CatalogTypes.load(c);
        }
    }

    private List<TestDecodingOutput.Tx> readTestDecoding(String slot) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement()) {
            s.execute(SESSION);
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT data FROM pg_logical_slot_peek_changes('"
                                    + slot
                                    + "', NULL, NULL, 'include-xids', '1',"
                                    + " 'skip-empty-xacts', '1')")) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
        }
        return TestDecodingOutput.parse(lines);
    }

    private RecordingListener readPgOutput(String slot, boolean binary) throws SQLException {
        RecordingListener listener = new RecordingListener();
        ChangeEventAssembler assembler = new ChangeEventAssembler(2, listener);
        try (Connection c = PG.connect();
                Statement s = c.createStatement()) {
            s.execute(SESSION);
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes('"
                                    + slot
                                    + "', NULL, NULL, 'proto_version', '2',"
                                    + " 'publication_names', 'diff', 'streaming', 'on',"
                                    + " 'binary', '"
                                    + binary
                                    + "')")) {
                while (rs.next()) {
                    assembler.accept(Lsn.parse(rs.getString(1)), ByteBuffer.wrap(rs.getBytes(2)));
                }
            }
        }
        return listener;
    }

    /** Random transactions over the test's tables, tracking which keys exist. */
    private static final class Workload {
        private final Random random;
        private final RandomValues values;
        private final List<Long> wideIds = new ArrayList<>();
        private final List<Integer> docIds = new ArrayList<>();
        private long nextWideId = 1;
        private int nextDocId = 1;

        Workload(Random random) {
            this.random = random;
            this.values = new RandomValues(random);
        }

        void run() throws SQLException {
            try (Connection c = PG.connect();
                    Statement s = c.createStatement()) {
                // Decoding via SQL reads only flushed WAL.
                s.execute("SET synchronous_commit = on");
                c.setAutoCommit(false);
                for (int t = 0; t < 150; t++) {
                    if (t == 75) {
                        largeTransaction(s);
                    }
                    if (t == 100) {
                        s.execute("INSERT INTO parents VALUES (1), (2)");
                        s.execute("INSERT INTO children VALUES (1, 1), (2, 2)");
                        s.execute("TRUNCATE parents, children RESTART IDENTITY CASCADE");
                        c.commit();
                        continue;
                    }
                    List<Long> wideBefore = new ArrayList<>(wideIds);
                    List<Integer> docsBefore = new ArrayList<>(docIds);
                    int ops = 1 + random.nextInt(6);
                    boolean savepoint = random.nextInt(5) == 0;
                    for (int o = 0; o < ops; o++) {
                        if (savepoint && o == ops / 2) {
                            s.execute("SAVEPOINT sp");
                            List<Long> w = new ArrayList<>(wideIds);
                            List<Integer> d = new ArrayList<>(docIds);
                            randomOp(s);
                            randomOp(s);
                            s.execute("ROLLBACK TO SAVEPOINT sp");
                            wideIds.clear();
                            wideIds.addAll(w);
                            docIds.clear();
                            docIds.addAll(d);
                        }
                        randomOp(s);
                    }
                    if (random.nextInt(7) == 0) {
                        c.rollback();
                        wideIds.clear();
                        wideIds.addAll(wideBefore);
                        docIds.clear();
                        docIds.addAll(docsBefore);
                    } else {
                        c.commit();
                    }
                }
                c.commit();
            }
        }

        private void largeTransaction(Statement s) throws SQLException {
            // Big enough to exceed 64kB of decoding memory, with a rolled-back savepoint inside.
            for (int i = 0; i < 400; i++) {
                insertWide(s);
            }
            s.execute("SAVEPOINT big");
            for (int i = 0; i < 300; i++) {
                // Over 64kB on its own, so part of the savepoint is streamed before it rolls back.
                s.execute(
                        "INSERT INTO full_rows VALUES (" + i + ", repeat('rolled back ', 50), 1)");
            }
            s.execute("ROLLBACK TO SAVEPOINT big");
            for (int i = 0; i < 300; i++) {
                insertWide(s);
            }
            s.getConnection().commit();
        }

        private void randomOp(Statement s) throws SQLException {
            int kind = random.nextInt(12);
            if (kind < 3 || wideIds.isEmpty()) {
                insertWide(s);
            } else if (kind < 5) {
                long id = wideIds.get(random.nextInt(wideIds.size()));
                String[] c =
                        RandomValues.WIDE_COLUMNS[random.nextInt(RandomValues.WIDE_COLUMNS.length)];
                s.execute(
                        "UPDATE wide SET "
                                + c[0]
                                + " = "
                                + values.literal(c[1])
                                + " WHERE id = "
                                + id);
            } else if (kind == 5) {
                int index = random.nextInt(wideIds.size());
                long id = wideIds.get(index);
                long newId = nextWideId++;
                s.execute("UPDATE wide SET id = " + newId + " WHERE id = " + id);
                wideIds.set(index, newId);
            } else if (kind == 6) {
                long id = wideIds.remove(random.nextInt(wideIds.size()));
                s.execute("DELETE FROM wide WHERE id = " + id);
            } else if (kind == 7 || docIds.isEmpty()) {
                int id = nextDocId++;
                s.execute(
                        "INSERT INTO docs VALUES ("
                                + id
                                + ", 'doc', repeat(md5('"
                                + id
                                + "'), 200))");
                docIds.add(id);
            } else if (kind == 8) {
                // The TOASTed body is left alone: pgoutput sends it as unchanged.
                int id = docIds.get(random.nextInt(docIds.size()));
                s.execute(
                        "UPDATE docs SET title = " + values.literal("text") + " WHERE id = " + id);
            } else if (kind == 9) {
                int id = docIds.get(random.nextInt(docIds.size()));
                s.execute(
                        "UPDATE docs SET body = repeat(md5(random()::text), 150) WHERE id = " + id);
            } else if (kind == 10) {
                s.execute(
                        "INSERT INTO full_rows VALUES ("
                                + random.nextInt(5)
                                + ", "
                                + values.literal("text")
                                + ", "
                                + values.literal("numeric")
                                + ")");
            } else {
                s.execute(
                        random.nextBoolean()
                                ? "UPDATE full_rows SET c = c + 1 WHERE a = " + random.nextInt(5)
                                : "DELETE FROM full_rows WHERE a = " + random.nextInt(5));
            }
        }

        private void insertWide(Statement s) throws SQLException {
            long id = nextWideId++;
            StringBuilder sql = new StringBuilder("INSERT INTO wide VALUES (").append(id);
            for (String[] c : RandomValues.WIDE_COLUMNS) {
                sql.append(", ").append(values.literal(c[1]));
            }
            s.execute(sql.append(")").toString());
            wideIds.add(id);
        }
    }
}
