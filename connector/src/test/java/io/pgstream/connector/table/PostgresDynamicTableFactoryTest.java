package io.pgstream.connector.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.table.PostgresConnectorOptions.ChangelogModeOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.utils.FactoryMocks;
import org.junit.jupiter.api.Test;

/** The factory through Flink's {@link FactoryMocks}: options, defaults and validation messages. */
class PostgresDynamicTableFactoryTest {

    private static final ResolvedSchema SCHEMA =
            new ResolvedSchema(
                    List.of(
                            Column.physical("id", DataTypes.INT().notNull()),
                            Column.physical("category", DataTypes.STRING()),
                            Column.physical("price", DataTypes.DECIMAL(10, 2))),
                    List.of(),
                    UniqueConstraint.primaryKey("pk", List.of("id")),
                    List.of());

    private static Map<String, String> options() {
        Map<String, String> o = new HashMap<>();
        o.put("connector", "pgstream");
        o.put("hostname", "db.example");
        o.put("port", "5433");
        o.put("username", "replicator");
        o.put("password", "s3cret");
        o.put("database-name", "app");
        o.put("table-name", "docs");
        o.put("slot.name", "docs_slot");
        return o;
    }

    private static PostgresDynamicTableSource create(Map<String, String> options) {
        return (PostgresDynamicTableSource) FactoryMocks.createTableSource(SCHEMA, options);
    }

    @Test
    void defaultsFollowFlinkCdc() {
        PostgresDynamicTableSource source = create(options());
        PostgresTableConfig expected =
                new PostgresTableConfig(
                        PgConnectionConfig.parse("postgresql://db.example:5433/app")
                                .withCredentials("replicator", "s3cret"),
                        new TableId("public", "docs"),
                        "docs_slot",
                        "docs_slot_pub",
                        StartupMode.INITIAL,
                        null,
                        8192,
                        Duration.ZERO,
                        ChangelogModeOption.ALL);
        assertThat(source.config()).isEqualTo(expected);
        assertThat(source)
                .isEqualTo(
                        new PostgresDynamicTableSource(
                                expected, SCHEMA.toPhysicalRowDataType(), List.of("id")));
        assertThat(source.getChangelogMode()).isEqualTo(ChangelogMode.all());
        assertThat(source.config().toString()).doesNotContain("s3cret");
    }

    @Test
    void everyOptionIsRead() {
        Map<String, String> o = options();
        o.remove("hostname");
        o.remove("port");
        o.remove("database-name");
        o.put("url", "jdbc:postgresql://h:6000/other?sslmode=disable");
        o.put("schema-name", "Sales");
        o.put("table-name", "Docs");
        o.put("publication.name", "my_pub");
        o.put("decoding.plugin.name", "pgoutput");
        o.put("scan.startup.mode", "LSN");
        o.put("scan.startup.lsn", "0/16B3748");
        o.put("scan.incremental.snapshot.chunk.size", "100");
        o.put("changelog-mode", "upsert");
        o.put("heartbeat.interval", "30 s");
        PostgresTableConfig c = create(o).config();
        assertThat(c.connection().host()).isEqualTo("h");
        assertThat(c.connection().port()).isEqualTo(6000);
        assertThat(c.connection().database()).isEqualTo("other");
        assertThat(c.connection().user()).isEqualTo("replicator");
        assertThat(c.table()).isEqualTo(new TableId("Sales", "Docs"));
        assertThat(c.publicationName()).isEqualTo("my_pub");
        assertThat(c.startupMode()).isEqualTo(StartupMode.LSN);
        assertThat(c.startupLsn()).isEqualTo(Lsn.parse("0/16B3748"));
        assertThat(c.snapshotChunkRows()).isEqualTo(100);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.changelogMode()).isEqualTo(ChangelogModeOption.UPSERT);
        assertThat(create(o).getChangelogMode()).isEqualTo(ChangelogMode.upsert(true));
    }

    @Test
    void startupModesMapToTheSource() {
        Map<String, String> o = options();
        o.put("scan.startup.mode", "latest-offset");
        assertThat(create(o).config().startupMode()).isEqualTo(StartupMode.LATEST);
        o.put("scan.startup.mode", "committed-offset");
        assertThat(create(o).config().startupMode()).isEqualTo(StartupMode.LATEST);
        o.put("scan.startup.mode", "snapshot");
        PostgresDynamicTableSource snapshot = create(o);
        assertThat(snapshot.config().startupMode()).isEqualTo(StartupMode.SNAPSHOT_ONLY);
        assertThat(snapshot.getChangelogMode()).isEqualTo(ChangelogMode.insertOnly());
    }

    @Test
    void badValuesNameTheOptionAndTheAllowedValues() {
        assertFails(
                "scan.startup.mode",
                "earliest",
                "'scan.startup.mode'",
                "initial, snapshot, latest-offset, committed-offset, lsn");
        assertFails("changelog-mode", "retract", "'changelog-mode'", "all, upsert");
        assertFails("decoding.plugin.name", "decoderbufs", "'decoding.plugin.name'", "pgoutput");
        assertFails(
                "scan.incremental.snapshot.chunk.size",
                "0",
                "'scan.incremental.snapshot.chunk.size'",
                "positive");
        assertFails("slot.name", "Bad-Slot", "'slot.name'", "Bad-Slot");
    }

    @Test
    void lsnModeNeedsAPosition() {
        Map<String, String> o = options();
        o.put("scan.startup.mode", "lsn");
        assertThatThrownBy(() -> create(o)).hasStackTraceContaining("'scan.startup.lsn'");
        o.put("scan.startup.lsn", "nope");
        assertThatThrownBy(() -> create(o)).hasStackTraceContaining("Invalid LSN 'nope'");
    }

    @Test
    void connectionIsUrlOrHostname() {
        Map<String, String> none = options();
        none.remove("hostname");
        assertThatThrownBy(() -> create(none)).hasStackTraceContaining("'url', or 'hostname'");
        Map<String, String> both = options();
        both.put("url", "postgresql://h/db");
        assertThatThrownBy(() -> create(both)).hasStackTraceContaining("not both");
        Map<String, String> noDb = options();
        noDb.remove("database-name");
        assertThatThrownBy(() -> create(noDb))
                .hasStackTraceContaining("'database-name' is required with 'hostname'");
        Map<String, String> badUrl = options();
        badUrl.remove("hostname");
        badUrl.remove("database-name");
        badUrl.put("url", "mysql://u:topsecret@h/db");
        assertThatThrownBy(() -> create(badUrl))
                .hasStackTraceContaining("'url'")
                // Our message hides it; Flink's wrapper lists the raw options, masking only keys
                // such as 'password' (hence the README: keep passwords out of 'url').
                .rootCause()
                .message()
                .doesNotContain("topsecret");
    }

    @Test
    void requiredAndUnknownOptionsAreReported() {
        Map<String, String> o = options();
        o.remove("slot.name");
        assertThatThrownBy(() -> create(o)).hasStackTraceContaining("slot.name");
        Map<String, String> typo = options();
        typo.put("slot-name", "x");
        assertThatThrownBy(() -> create(typo)).hasStackTraceContaining("slot-name");
    }

    @Test
    void upsertNeedsADeclaredPrimaryKey() {
        Map<String, String> o = options();
        o.put("changelog-mode", "upsert");
        ResolvedSchema keyless = ResolvedSchema.of(Column.physical("id", DataTypes.INT()));
        assertThatThrownBy(() -> FactoryMocks.createTableSource(keyless, o))
                .hasStackTraceContaining("needs a PRIMARY KEY");
    }

    @Test
    void metadataAndProjectionShapeTheProducedRow() {
        PostgresDynamicTableSource source = create(options());
        assertThat(source.listReadableMetadata())
                .containsOnlyKeys(
                        "op_ts",
                        "lsn",
                        "lsn_number",
                        "schema_name",
                        "table_name",
                        "xid",
                        "row_kind");
        assertThat(source.listReadableMetadata().get("op_ts"))
                .isEqualTo(DataTypes.TIMESTAMP_LTZ(3));
        assertThat(source.listReadableMetadata().get("lsn_number")).isEqualTo(DataTypes.BIGINT());
        DynamicTableSource copy = source.copy();
        assertThat(copy).isEqualTo(source);
        source.applyProjection(
                new int[][] {{2}},
                DataTypes.ROW(DataTypes.FIELD("price", DataTypes.DECIMAL(10, 2))));
        assertThat(source).isNotEqualTo(copy);
    }

    private static void assertFails(String key, String value, String... expected) {
        Map<String, String> o = options();
        o.put(key, value);
        assertThatThrownBy(() -> create(o))
                .satisfies(
                        e -> {
                            for (String x : expected) {
                                assertThat(stack(e)).contains(x);
                            }
                        });
    }

    private static String stack(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
