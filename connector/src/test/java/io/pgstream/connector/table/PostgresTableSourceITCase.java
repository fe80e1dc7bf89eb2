package io.pgstream.connector.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.testutils.PostgresExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real SQL on a MiniCluster against the real PostgreSQL: results, metadata and types. */
class PostgresTableSourceITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

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

    private static String with(String table, String slot, String... options) {
        StringBuilder sb =
                new StringBuilder(" WITH ('connector' = 'pgstream', 'hostname' = '")
                        .append(PG.config().host())
                        .append("', 'port' = '")
                        .append(PG.config().port())
                        .append("', 'database-name' = '")
                        .append(PG.config().database())
                        .append("', 'username' = '")
                        .append(PG.config().user())
                        .append("', 'table-name' = '")
                        .append(table)
                        .append("', 'slot.name' = '")
                        .append(slot)
                        .append("'");
        for (String o : options) {
            sb.append(", ").append(o);
        }
        return sb.append(")").toString();
    }

    /** Applies a changelog to a map by its first field, on a background thread. */
    private static final class Materialized implements AutoCloseable {
        final Map<Object, Row> rows = new ConcurrentHashMap<>();
        final List<Row> log = Collections.synchronizedList(new ArrayList<>());
        private final CloseableIterator<Row> it;
        volatile Throwable failure;

        Materialized(TableResult result) {
            it = result.collect();
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    while (it.hasNext()) {
                                        Row r = it.next();
                                        log.add(r);
                                        if (r.getKind() == RowKind.INSERT
                                                || r.getKind() == RowKind.UPDATE_AFTER) {
                                            rows.put(r.getField(0), r);
                                        } else {
                                            rows.remove(r.getField(0));
                                        }
                                    }
                                } catch (Throwable e) {
                                    failure = e;
                                }
                            },
                            "collect-reader");
            t.setDaemon(true);
            t.start();
        }

        Map<String, String> asText() {
            assertThat(failure).isNull();
            Map<String, String> m = new TreeMap<>();
            for (Row r : rows.values()) {
                m.put(
                        String.valueOf(r.getField(0)),
                        r.getField(1) + "/" + ((BigDecimal) r.getField(2)).setScale(2));
            }
            return m;
        }

        @Override
        public void close() throws Exception {
            it.close();
        }
    }

    private static Map<String, String> postgresAggregate(String table) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT category, count(*), sum(price) FROM "
                                        + table
                                        + " GROUP BY category")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2) + "/" + rs.getBigDecimal(3).setScale(2));
            }
        }
        return m;
    }

    private static void randomWorkload(String table, Random random, int transactions)
            throws Exception {
        String[] categories = {"a", "b", "c", "d", "e"};
        try (Connection c = PG.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (int tx = 0; tx < transactions; tx++) {
                    for (int k = 0; k < 1 + random.nextInt(8); k++) {
                        int id = random.nextInt(60);
                        String cat = categories[random.nextInt(categories.length)];
                        String price = random.nextInt(100000) / 100.0 + "";
                        switch (random.nextInt(5)) {
                            case 0:
                            case 1:
                                s.execute(
                                        "INSERT INTO "
                                                + table
                                                + " VALUES ("
                                                + id
                                                + ", '"
                                                + cat
                                                + "', "
                                                + price
                                                + ", repeat('x', 3000)) ON CONFLICT (id) DO UPDATE"
                                                + " SET category = EXCLUDED.category");
                                break;
                            case 2:
                                s.execute(
                                        "UPDATE "
                                                + table
                                                + " SET price = "
                                                + price
                                                + " WHERE id = "
                                                + id);
                                break;
                            case 3:
                                // Moves a row to a free key: a key change.
                                s.execute(
                                        "UPDATE "
                                                + table
                                                + " SET id = id + 100 WHERE id = "
                                                + id
                                                + " AND NOT EXISTS (SELECT 1 FROM "
                                                + table
                                                + " WHERE id = "
                                                + (id + 100)
                                                + ")");
                                break;
                            default:
                                s.execute("DELETE FROM " + table + " WHERE id = " + id);
                        }
                    }
                    c.commit();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "upsert"})
    void continuousAggregateEqualsPostgres(String mode) throws Exception {
        String table = "agg_" + mode;
        PG.execute(
                "CREATE TABLE "
                        + table
                        + " (id int PRIMARY KEY, category text, price numeric(10,2), body text)");
        if (mode.equals("all")) {
            PG.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        } else {
            // Upsert under REPLICA IDENTITY DEFAULT: the selected columns are never TOASTed;
            // body (TOASTed, 3000 bytes) is declared but not selected, so never converted.
            PG.execute(
                    "ALTER TABLE " + table + " ALTER COLUMN category SET STORAGE PLAIN",
                    "ALTER TABLE " + table + " ALTER COLUMN price SET STORAGE PLAIN");
        }
        Random random = new Random(mode.hashCode());
        randomWorkload(table, random, 10); // read by the snapshot
        TableEnvironment t = tableEnv();
        t.executeSql(
                "CREATE TABLE docs (id INT, category STRING, price DECIMAL(10, 2), body STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with(table, "tsrc_" + table, "'changelog-mode' = '" + mode + "'"));
        try (Materialized result =
                new Materialized(
                        t.executeSql(
                                "SELECT category, count(*), sum(price) FROM docs"
                                        + " GROUP BY category"))) {
            await().atMost(Duration.ofMinutes(2))
                    .untilAsserted(
                            () -> assertThat(result.asText()).isEqualTo(postgresAggregate(table)));
            randomWorkload(table, random, 40); // streamed
            PG.execute("UPDATE " + table + " SET category = 'z' WHERE id % 3 = 0");
            await().atMost(Duration.ofMinutes(2))
                    .untilAsserted(
                            () -> assertThat(result.asText()).isEqualTo(postgresAggregate(table)));
            assertThat(postgresAggregate(table)).containsKey("z");
        }
    }

    @Test
    void everyMetadataColumn() throws Exception {
        PG.execute(
                "CREATE TABLE meta (id int PRIMARY KEY, v text)",
                "ALTER TABLE meta REPLICA IDENTITY FULL",
                "INSERT INTO meta VALUES (1, 'before')");
        SlotManager.prepareFor(PG.config(), "tsrc_meta", "tsrc_meta_pub", List.of("public.meta"));
        TableEnvironment t = tableEnv();
        t.executeSql(
                "CREATE TABLE meta (id INT, v STRING,"
                        + " op_ts TIMESTAMP_LTZ(3) METADATA FROM 'op_ts' VIRTUAL,"
                        + " lsn STRING METADATA FROM 'lsn' VIRTUAL,"
                        + " sch STRING METADATA FROM 'schema_name' VIRTUAL,"
                        + " tbl STRING METADATA FROM 'table_name' VIRTUAL,"
                        + " xid BIGINT METADATA FROM 'xid' VIRTUAL,"
                        + " kind STRING METADATA FROM 'row_kind' VIRTUAL,"
                        + " lsn_n BIGINT METADATA FROM 'lsn_number' VIRTUAL)"
                        + with("meta", "tsrc_meta"));
        Instant before = Instant.now().minusSeconds(1);
        long xid;
        try (Materialized result =
                new Materialized(
                        t.executeSql(
                                "SELECT id, v, op_ts, lsn, sch, tbl, xid, kind, lsn_n FROM meta"))) {
            await().atMost(Duration.ofMinutes(1)).until(() -> result.log.size() == 1);
            try (Connection c = PG.connect()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT txid_current() % 4294967296")) {
                    rs.next();
                    xid = rs.getLong(1);
                    s.execute("INSERT INTO meta VALUES (2, 'x')");
                    s.execute("UPDATE meta SET v = 'after' WHERE id = 1");
                    s.execute("DELETE FROM meta WHERE id = 2");
                }
                c.commit();
            }
            Instant after = Instant.now().plusSeconds(1);
            await().atMost(Duration.ofMinutes(1)).until(() -> result.log.size() == 5);
            List<Row> log = new ArrayList<>(result.log);
            // The snapshot row: no commit time or transaction; lsn is where its chunk was read.
            assertThat(log.get(0).getField(1)).isEqualTo("before");
            assertThat(log.get(0).getField(2)).isNull();
            assertThat((String) log.get(0).getField(3)).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(log.get(0).getField(6)).isNull();
            assertThat(log.get(0).getField(7)).isEqualTo("+I");
            assertThat(log.subList(1, 5))
                    .extracting(r -> r.getField(7))
                    .containsExactly("+I", "-U", "+U", "-D");
            assertThat(log.subList(1, 5))
                    .extracting(r -> r.getField(1))
                    .containsExactly("x", "before", "after", "x");
            String previousLsn = null;
            for (Row r : log) {
                assertThat(r.getField(4)).isEqualTo("public");
                assertThat(r.getField(5)).isEqualTo("meta");
                assertThat(r.getKind().shortString()).isEqualTo(r.getField(7));
                assertThat(r.getField(8))
                        .isEqualTo(
                                io.pgstream.connector.event.Lsn.parse((String) r.getField(3))
                                        .value());
            }
            for (Row r : log.subList(1, 5)) {
                assertThat((Instant) r.getField(2)).isBetween(before, after);
                assertThat(r.getField(6)).isEqualTo(xid);
                String lsn = (String) r.getField(3);
                assertThat(lsn).matches("[0-9A-F]+/[0-9A-F]+");
                if (previousLsn != null) {
                    assertThat(io.pgstream.connector.event.Lsn.parse(lsn))
                            .isGreaterThanOrEqualTo(
                                    io.pgstream.connector.event.Lsn.parse(previousLsn));
                }
                previousLsn = lsn;
            }
            assertThat(log.get(1).getField(2)).isEqualTo(log.get(4).getField(2));
        }
    }

    @Test
    void everyMappedTypeRoundTrips() throws Exception {
        PG.execute(
                "CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE types (id int PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8,"
                        + " f4 float4, f8 float8, n numeric(12,3), nu numeric, t text,"
                        + " vc varchar(20), bp char(5), u uuid, j json, jb jsonb, bya bytea,"
                        + " d date, tm time, tz timetz, ts timestamp, tstz timestamptz,"
                        + " iv interval, ip inet, e mood, ai int4[], atx text[],"
                        + " an numeric(5,2)[], v vector(3))",
                "INSERT INTO types VALUES (1, true, -7, 123456, 9000000000, 1.5, 2.25,"
                        + " 123456789.125, 0.000001, 'héllo', 'var', 'ab',"
                        + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": 1}', '{\"b\": [1, 2]}',"
                        + " '\\x00ff10', '2024-02-29', '13:14:15.123', '13:14:15+02',"
                        + " '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.123456+00',"
                        + " '1 year 2 mons 3 days 04:05:06', '10.0.0.1/8', 'happy',"
                        + " '{1,NULL,3}', '{x,\"y z\"}', '{1.50,2.25}', '[1,2.5,-3]')",
                "INSERT INTO types (id) VALUES (2)");
        TableEnvironment t = tableEnv();
        t.executeSql(
                "CREATE TABLE types (id INT, b BOOLEAN, i2 SMALLINT, i4 INT, i8 BIGINT,"
                        + " f4 FLOAT, f8 DOUBLE, n DECIMAL(12, 3), nu DECIMAL(38, 18), t STRING,"
                        + " vc VARCHAR(20), bp CHAR(5), u STRING, j STRING, jb STRING, bya BYTES,"
                        + " d DATE, tm TIME(3), tz STRING, ts TIMESTAMP(6),"
                        + " tstz TIMESTAMP_LTZ(6), iv STRING, ip STRING, e STRING,"
                        + " ai ARRAY<INT>, atx ARRAY<STRING>, an ARRAY<DECIMAL(5, 2)>,"
                        + " v ARRAY<FLOAT>)"
                        + with("types", "tsrc_types", "'scan.startup.mode' = 'snapshot'"));
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = t.executeSql("SELECT * FROM types").collect()) {
            it.forEachRemaining(rows::add);
        }
        rows.sort((a, b) -> ((Integer) a.getField(0)).compareTo((Integer) b.getField(0)));
        assertThat(rows).hasSize(2);
        Row r = rows.get(0);
        assertThat(r.getKind()).isEqualTo(RowKind.INSERT);
        assertThat(r.getField("b")).isEqualTo(true);
        assertThat(r.getField("i2")).isEqualTo((short) -7);
        assertThat(r.getField("i4")).isEqualTo(123456);
        assertThat(r.getField("i8")).isEqualTo(9000000000L);
        assertThat(r.getField("f4")).isEqualTo(1.5f);
        assertThat(r.getField("f8")).isEqualTo(2.25d);
        assertThat(r.getField("n")).isEqualTo(new BigDecimal("123456789.125"));
        assertThat(r.getField("nu")).isEqualTo(new BigDecimal("0.000001000000000000"));
        assertThat(r.getField("t")).isEqualTo("héllo");
        assertThat(r.getField("vc")).isEqualTo("var");
        assertThat(r.getField("bp")).isEqualTo("ab   ");
        assertThat(r.getField("u")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(r.getField("j")).isEqualTo("{\"a\": 1}");
        assertThat(r.getField("jb")).isEqualTo("{\"b\": [1, 2]}");
        assertThat((byte[]) r.getField("bya")).containsExactly(0x00, 0xff, 0x10);
        assertThat(r.getField("d")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(r.getField("tm")).isEqualTo(LocalTime.of(13, 14, 15, 123_000_000));
        assertThat(r.getField("tz")).isEqualTo("13:14:15+02:00");
        assertThat(r.getField("ts"))
                .isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123456000));
        assertThat(r.getField("tstz")).isEqualTo(Instant.parse("2024-02-29T13:14:15.123456Z"));
        assertThat(r.getField("iv")).isEqualTo("1 year 2 mons 3 days 04:05:06");
        assertThat(r.getField("ip")).isEqualTo("10.0.0.1/8");
        assertThat(r.getField("e")).isEqualTo("happy");
        assertThat((Integer[]) r.getField("ai")).containsExactly(1, null, 3);
        assertThat((String[]) r.getField("atx")).containsExactly("x", "y z");
        assertThat((BigDecimal[]) r.getField("an"))
                .containsExactly(new BigDecimal("1.50"), new BigDecimal("2.25"));
        assertThat((Float[]) r.getField("v")).containsExactly(1f, 2.5f, -3f);
        Row nulls = rows.get(1);
        for (int i = 1; i < nulls.getArity(); i++) {
            assertThat(nulls.getField(i)).as("field %d", i).isNull();
        }
    }
}
