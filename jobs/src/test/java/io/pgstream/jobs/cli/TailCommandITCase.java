package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code pgstream tail} end to end on its embedded mini-cluster: the JSON contract of the README,
 * field by field, for an insert, an update leaving a TOASTed column alone, a delete and a truncate;
 * then a second {@code tail} that repeats nothing and leaves on {@code --idle-exit}.
 */
class TailCommandITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String dsn() {
        return CliJobFile.dsn(PG);
    }

    /** Runs the CLI on a background thread; the future holds what it printed. */
    private static CompletableFuture<CliRun> tail(String... extra) {
        return tailOf("tail_test", "public.t", extra);
    }

    private static CompletableFuture<CliRun> tailOf(String slot, String table, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "tail",
                                "--dsn",
                                dsn(),
                                "--slot",
                                slot,
                                "--publication",
                                slot + "_pub",
                                "--table",
                                table));
        args.addAll(List.of(extra));
        return CompletableFuture.supplyAsync(() -> CliRun.of(args.toArray(String[]::new)));
    }

    @Test
    void printsTheJsonContractAndResumesWithoutRepeating() throws Exception {
        PG.execute(
                "CREATE TABLE t (id int PRIMARY KEY, b boolean, f4 real, f8 double precision,"
                        + " n numeric, txt text, j jsonb, ts timestamptz, d date, tm timestamp,"
                        + " by bytea, arr int[], v vector(3), ip inet, iv interval, nul text,"
                        + " body text)",
                "ALTER TABLE t ALTER COLUMN body SET STORAGE EXTERNAL");
        CompletableFuture<CliRun> first = tail("--max-events", "4");
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                ((Number)
                                                        PG.queryValue(
                                                                "SELECT count(*) FROM"
                                                                        + " pg_replication_slots"
                                                                        + " WHERE slot_name ="
                                                                        + " 'tail_test'"))
                                                .longValue()
                                        == 1);
        PG.execute(
                "INSERT INTO t VALUES (1, true, 1.5, 'NaN', 1.50, 'h\u00e9llo \"q\"',"
                        + " '{\"a\": [1, null]}', '2024-01-02 03:04:05.123456+00', '2024-02-29',"
                        + " '2024-01-02 03:04:05', '\\xdead', '{1,NULL}', '[1,2,3]', '10.0.0.1',"
                        + " '1 day 02:00:00', NULL, repeat('x', 10000))",
                "UPDATE t SET n = 2 WHERE id = 1",
                "DELETE FROM t WHERE id = 1",
                "TRUNCATE t");
        CliRun result = first.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.err()).isZero();
        String[] lines = result.out().strip().split("\n");
        assertThat(lines).hasSize(4);

        JsonNode insert = JSON.readTree(lines[0]);
        assertThat(insert.get("op").asText()).isEqualTo("insert");
        assertThat(insert.get("schema").asText()).isEqualTo("public");
        assertThat(insert.get("table").asText()).isEqualTo("t");
        assertThat(insert.get("old_row").isNull()).isTrue();
        assertThat(insert.has("unchanged_toast")).isFalse();
        assertThat(insert.get("lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(insert.get("commit_time").asText()).endsWith("Z");
        assertThat(insert.get("xid").isIntegralNumber()).isTrue();
        JsonNode row = insert.get("row");
        assertThat(row.get("id").isInt()).isTrue();
        assertThat(row.get("id").asInt()).isEqualTo(1);
        assertThat(row.get("b").isBoolean()).isTrue();
        assertThat(row.get("f4").asDouble()).isEqualTo(1.5);
        assertThat(row.get("f8").asText()).isEqualTo("NaN");
        assertThat(row.get("n").isTextual()).isTrue();
        assertThat(row.get("n").asText()).isEqualTo("1.50");
        assertThat(row.get("txt").asText()).isEqualTo("h\u00e9llo \"q\"");
        assertThat(row.get("j").isObject()).isTrue();
        assertThat(row.get("j").get("a").get(1).isNull()).isTrue();
        assertThat(row.get("ts").asText()).isEqualTo("2024-01-02T03:04:05.123456Z");
        assertThat(row.get("d").asText()).isEqualTo("2024-02-29");
        assertThat(row.get("tm").asText()).isEqualTo("2024-01-02T03:04:05");
        assertThat(row.get("by").asText()).isEqualTo("\\xdead");
        assertThat(row.get("arr").isArray()).isTrue();
        assertThat(row.get("arr").get(0).asInt()).isEqualTo(1);
        assertThat(row.get("arr").get(1).isNull()).isTrue();
        assertThat(row.get("v").isArray()).isTrue();
        assertThat(row.get("v").get(2).asDouble()).isEqualTo(3.0);
        assertThat(row.get("ip").asText()).isEqualTo("10.0.0.1");
        assertThat(row.get("iv").asText()).isEqualTo("1 day 02:00:00");
        assertThat(row.has("nul")).isTrue();
        assertThat(row.get("nul").isNull()).isTrue();
        assertThat(row.get("body").asText()).hasSize(10000);

        JsonNode update = JSON.readTree(lines[1]);
        assertThat(update.get("op").asText()).isEqualTo("update");
        assertThat(update.get("row").has("body")).as("unchanged TOAST is absent").isFalse();
        assertThat(update.get("unchanged_toast").get(0).asText()).isEqualTo("body");
        assertThat(update.get("row").get("n").asText()).isEqualTo("2");

        JsonNode delete = JSON.readTree(lines[2]);
        assertThat(delete.get("op").asText()).isEqualTo("delete");
        assertThat(delete.get("row").isNull()).isTrue();
        assertThat(delete.get("old_row").get("id").asInt()).isEqualTo(1);

        JsonNode truncate = JSON.readTree(lines[3]);
        assertThat(truncate.get("op").asText()).isEqualTo("truncate");
        assertThat(truncate.get("row").isNull()).isTrue();

        // Everything printed was checkpointed and acknowledged: a new tail repeats nothing.
        PG.execute("INSERT INTO t (id) VALUES (2)");
        CliRun second =
                tail("--idle-exit", "3", "--startup-mode", "latest").get(120, TimeUnit.SECONDS);
        assertThat(second.exitCode()).as(second.err()).isZero();
        String[] again = second.out().strip().split("\n");
        assertThat(again).hasSize(1);
        assertThat(JSON.readTree(again[0]).get("row").get("id").asInt()).isEqualTo(2);
    }

    @Test
    void printAtOnceDoesNotWaitForACheckpoint() throws Exception {
        PG.execute("CREATE TABLE now_t (id int PRIMARY KEY, txt text)");
        // No checkpoint completes for an hour: only a change handed over at once gets printed.
        CompletableFuture<CliRun> run =
                tailOf(
                        "tail_now",
                        "public.now_t",
                        "--startup-mode",
                        "latest",
                        "--print-at-once",
                        "--checkpoint-interval",
                        "3600000",
                        "--max-events",
                        "1");
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                ((Number)
                                                        PG.queryValue(
                                                                "SELECT count(*) FROM"
                                                                        + " pg_replication_slots"
                                                                        + " WHERE slot_name ="
                                                                        + " 'tail_now' AND active"))
                                                .longValue()
                                        == 1);
        PG.execute("INSERT INTO now_t VALUES (7, 'now')");
        CliRun result = run.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.err()).isZero();
        // The warm-up before the slot is read (StreamPathWarmUpThread) prints nothing.
        assertThat(result.out().strip().lines()).hasSize(1);
        JsonNode insert = JSON.readTree(result.out().strip());
        assertThat(insert.get("op").asText()).isEqualTo("insert");
        assertThat(insert.get("row").get("id").asInt()).isEqualTo(7);
    }

    @Test
    void anUnknownTableIsAOneLineErrorWithExitCode2() throws Exception {
        CliRun result =
                CompletableFuture.supplyAsync(
                                () ->
                                        CliRun.of(
                                                "tail",
                                                "--dsn",
                                                dsn(),
                                                "--slot",
                                                "tail_missing",
                                                "--publication",
                                                "tail_missing_pub",
                                                "--table",
                                                "public.nope"))
                        .get(120, TimeUnit.SECONDS);
        assertThat(result.err().strip().lines()).hasSize(1);
        assertThat(result.err()).startsWith("pgstream: error:").contains("public.nope");
        assertThat(result.exitCode()).isEqualTo(2);
    }
}
