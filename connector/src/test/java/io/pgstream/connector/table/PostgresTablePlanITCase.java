package io.pgstream.connector.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.testutils.PostgresExtension;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the planner sees of a {@code pgstream} table: the changelog mode of each {@code
 * changelog-mode}, and the planning-time checks against the real PostgreSQL catalog (replica
 * identity, primary key, TOAST, declared types).
 */
class PostgresTablePlanITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @BeforeAll
    static void tables() throws Exception {
        PG.execute(
                "CREATE TABLE plan_full (id int PRIMARY KEY, category text, price numeric(10,2))",
                "ALTER TABLE plan_full REPLICA IDENTITY FULL",
                "CREATE TABLE plan_default (id int PRIMARY KEY, category text, price"
                        + " numeric(10,2), qty int)",
                "CREATE TABLE plan_keyless (a int, b int)");
    }

    private static TableEnvironment tableEnv() {
        return TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    }

    private static String ddl(String name, String table, String columns, String... options) {
        StringBuilder sb =
                new StringBuilder("CREATE TABLE ")
                        .append(name)
                        .append(" (")
                        .append(columns)
                        .append(") WITH ('connector' = 'pgstream', 'url' = '")
                        .append("postgresql://")
                        .append(PG.config().host())
                        .append(':')
                        .append(PG.config().port())
                        .append('/')
                        .append(PG.config().database())
                        .append("', 'username' = '")
                        .append(PG.config().user())
                        .append("', 'table-name' = '")
                        .append(table)
                        .append("', 'slot.name' = 'plan_")
                        .append(name)
                        .append("'");
        for (String o : options) {
            sb.append(", ").append(o);
        }
        return sb.append(")").toString();
    }

    @Test
    void allModeEmitsEveryRowKind() {
        TableEnvironment t = tableEnv();
        t.executeSql(ddl("docs", "plan_full", "id INT, category STRING, price DECIMAL(10, 2)"));
        String plan = t.explainSql("SELECT * FROM docs", ExplainDetail.CHANGELOG_MODE);
        assertThat(plan).contains("TableSourceScan").contains("changelogMode=[I,UB,UA,D]");
    }

    @Test
    void upsertModeEmitsNoUpdateBefore() {
        TableEnvironment t = tableEnv();
        t.executeSql(
                ddl(
                        "docs",
                        "plan_default",
                        "id INT, qty INT, PRIMARY KEY (id) NOT ENFORCED",
                        "'changelog-mode' = 'upsert'"));
        String plan = t.explainSql("SELECT id, qty FROM docs", ExplainDetail.CHANGELOG_MODE);
        String scan =
                plan.lines().filter(l -> l.contains("TableSourceScan")).findFirst().orElseThrow();
        // PD: deletes carry only the key (REPLICA IDENTITY DEFAULT sends no more); the planner
        // normalizes them by key downstream.
        assertThat(scan).contains("changelogMode=[I,UA,PD]").doesNotContain("UB");
    }

    @Test
    void snapshotScanIsInsertOnly() {
        TableEnvironment t = tableEnv();
        t.executeSql(
                ddl("docs", "plan_default", "id INT, qty INT", "'scan.startup.mode' = 'snapshot'"));
        String plan = t.explainSql("SELECT id, qty FROM docs", ExplainDetail.CHANGELOG_MODE);
        assertThat(plan).contains("changelogMode=[I]").doesNotContain("UA");
    }

    @Test
    void allModeWithoutFullIdentitySaysHowToFixIt() {
        TableEnvironment t = tableEnv();
        t.executeSql(ddl("docs", "plan_default", "id INT, qty INT"));
        assertThatThrownBy(() -> t.executeSql("SELECT * FROM docs").await())
                .hasStackTraceContaining(
                        "ALTER TABLE \"public\".\"plan_default\" REPLICA IDENTITY FULL")
                .hasStackTraceContaining("REPLICA IDENTITY DEFAULT");
    }

    @Test
    void upsertKeyMustBeThePostgresKey() {
        TableEnvironment t = tableEnv();
        t.executeSql(
                ddl(
                        "docs",
                        "plan_default",
                        "id INT, qty INT, PRIMARY KEY (qty) NOT ENFORCED",
                        "'changelog-mode' = 'upsert'"));
        assertThatThrownBy(() -> t.executeSql("SELECT * FROM docs").await())
                .hasStackTraceContaining("declare PRIMARY KEY (id) NOT ENFORCED");
    }

    @Test
    void upsertRefusesAToastableColumnWithoutFullIdentity() {
        TableEnvironment t = tableEnv();
        t.executeSql(
                ddl(
                        "docs",
                        "plan_default",
                        "id INT, category STRING, qty INT, PRIMARY KEY (id) NOT ENFORCED",
                        "'changelog-mode' = 'upsert'"));
        assertThatThrownBy(() -> t.executeSql("SELECT id, category FROM docs").await())
                .hasStackTraceContaining("Column 'category' (text)")
                .hasStackTraceContaining("REPLICA IDENTITY FULL")
                .hasStackTraceContaining("SET STORAGE PLAIN");
    }

    @Test
    void upsertNeedsAKeyInPostgres() {
        TableEnvironment t = tableEnv();
        t.executeSql(
                ddl(
                        "docs",
                        "plan_keyless",
                        "a INT, b INT, PRIMARY KEY (a) NOT ENFORCED",
                        "'changelog-mode' = 'upsert'"));
        assertThatThrownBy(() -> t.executeSql("SELECT * FROM docs").await())
                .hasStackTraceContaining("no primary key")
                .hasStackTraceContaining("REPLICA IDENTITY FULL");
    }

    @Test
    void aTypeThatCannotHoldTheColumnNamesBothTypes() {
        TableEnvironment t = tableEnv();
        t.executeSql(
                ddl(
                        "docs",
                        "plan_full",
                        "id INT, category STRING, price INT",
                        "'scan.startup.mode' = 'snapshot'"));
        assertThatThrownBy(() -> t.executeSql("SELECT id FROM docs").await())
                .hasStackTraceContaining(
                        "Column 'price': PostgreSQL type numeric(10,2) cannot be read as Flink"
                                + " type INT; declare it as DECIMAL(10, 2)");
        TableEnvironment t2 = tableEnv();
        t2.executeSql(
                ddl(
                        "docs",
                        "plan_full",
                        "id INT, price DECIMAL(5, 2)",
                        "'scan.startup.mode' = 'snapshot'"));
        assertThatThrownBy(() -> t2.executeSql("SELECT id FROM docs").await())
                .hasStackTraceContaining(
                        "numeric(10,2) cannot be read as Flink type DECIMAL(5, 2)");
    }

    @Test
    void anUnknownColumnOrTableIsNamed() {
        TableEnvironment t = tableEnv();
        t.executeSql(
                ddl("docs", "plan_full", "id INT, nope INT", "'scan.startup.mode' = 'snapshot'"));
        assertThatThrownBy(() -> t.executeSql("SELECT id FROM docs").await())
                .hasStackTraceContaining("Column 'nope' is not a column of public.plan_full");
        t.executeSql(ddl("gone", "no_such_table", "id INT", "'scan.startup.mode' = 'snapshot'"));
        assertThatThrownBy(() -> t.executeSql("SELECT id FROM gone").await())
                .hasStackTraceContaining("Table public.no_such_table does not exist");
    }
}
