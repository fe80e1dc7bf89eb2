package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.cli.PgstreamCli;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Answer;
import io.pgstream.jobs.testutils.TestingOpenAiServer.Responder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream dead-letters list|replay|purge} against letters a real sync job wrote, while that
 * job keeps running: replay takes each row's current value (a row fixed since needs no model call,
 * a row deleted since only loses its letter, a row still refused keeps it), and once the model
 * accepts the text the index equals the table with no letter left.
 */
class DeadLettersITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SyncJobHarness.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POISON = "POISON";
    private static final int DIMENSIONS = 8;

    @TempDir Path dir;

    private record Run(int exitCode, List<String> lines, String err) {
        JsonNode json() throws Exception {
            assertThat(lines).as("one JSON object; stderr: " + err).hasSize(1);
            return JSON.readTree(lines.get(0));
        }
    }

    private Run cli(Path job, String... command) {
        List<String> args = new ArrayList<>(List.of("dead-letters"));
        args.addAll(List.of(command));
        args.add("--config");
        args.add(job.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                PgstreamCli.run(
                        args.toArray(String[]::new),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code,
                out.toString(StandardCharsets.UTF_8).lines().toList(),
                err.toString(StandardCharsets.UTF_8));
    }

    /** HTTP 400 for any request with {@link #POISON} while {@code refuse} holds. */
    private static Responder refusePoison(TestingOpenAiServer model, AtomicBoolean refuse) {
        return request ->
                refuse.get() && request.mentions(POISON)
                        ? Answer.error(400, "invalid_request_error", "input refused")
                        : model.vectors(request);
    }

    private static Map<String, String> letters(String column) throws SQLException {
        if (PG.queryValue("SELECT to_regclass('public.pgstream_dead_letters')") == null) {
            return Map.of();
        }
        return PG.queryMap("SELECT id, " + column + " FROM public.pgstream_dead_letters");
    }

    @Test
    void lettersAreListedReplayedFromTheCurrentRowAndPurgedWhileSyncRuns() throws Exception {
        String t = "dl_docs";
        PG.execute(
                "CREATE TABLE " + t + " (id int PRIMARY KEY, title text, body text)",
                "INSERT INTO "
                        + t
                        + " SELECT g, 'title ' || g, 'body ' || g FROM generate_series(1, 20) g",
                "UPDATE " + t + " SET body = '" + POISON + " ' || id WHERE id IN (5, 9, 12)");
        AtomicBoolean refuse = new AtomicBoolean(true);
        try (TestingOpenAiServer model = TestingOpenAiServer.start(DIMENSIONS)) {
            model.respondWith(refusePoison(model, refuse));
            String embedding =
                    SyncJobHarness.openAiEmbedding(
                            model.baseUrl(), DIMENSIONS, "  max-linger: 20ms", "  max-attempts: 2");
            String sink = SyncJobHarness.pgvectorSink(t);
            Path job = dir.resolve(t + ".yaml");
            Files.writeString(job, SyncJobHarness.yaml(PG, t, List.of(t), embedding, sink));
            JobClient sync = SyncJobHarness.start(JobConfigLoader.load(job));
            try {
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> letters("error").size() == 3);

                Run list = cli(job, "list");
                assertThat(list.exitCode()).as(list.err()).isZero();
                assertThat(list.lines()).hasSize(3);
                JsonNode first = JSON.readTree(list.lines().get(0));
                assertThat(first.get("source_table").asText()).isEqualTo("public." + t);
                assertThat(first.get("id").asText()).isEqualTo("12"); // ids in text order
                assertThat(first.get("text").asText()).isEqualTo("title 12\n\nPOISON 12");
                assertThat(first.get("error").asText()).contains("HTTP 400");
                assertThat(first.get("lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");

                // Row 5 is fixed (the running sync indexes it), row 9 deleted, row 12 still
                // refused.
                PG.execute(
                        "UPDATE " + t + " SET body = 'fixed' WHERE id = 5",
                        "DELETE FROM " + t + " WHERE id = 9");
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(
                                () ->
                                        assertThat(SyncJobHarness.index(PG, t))
                                                .containsEntry("5", "title 5\n\nfixed"));
                // The running sync wrote 5 and deleted 9: it resolves their letters itself.
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> letters("text").keySet().equals(Set.of("12")));
                // Letters for both as a job that stopped before these changes would have left.
                PG.execute(
                        "INSERT INTO public.pgstream_dead_letters"
                                + " SELECT source_table, i, lsn, error, text, failed_at"
                                + " FROM public.pgstream_dead_letters, (VALUES ('5'), ('9')) v(i)"
                                + " WHERE id = '12'");
                int requestsBefore = model.requests().size();

                Run replay = cli(job, "replay");
                JsonNode r = replay.json();
                assertThat(replay.exitCode()).as(r + replay.err()).isEqualTo(3);
                assertThat(r.get("rows").asLong()).isEqualTo(3);
                assertThat(r.get("already_in_index").asLong()).isEqualTo(1);
                assertThat(r.get("rows_gone").asLong()).isEqualTo(1);
                assertThat(r.get("replayed").asLong()).isZero();
                assertThat(r.get("still_failing").asLong()).isEqualTo(1);
                assertThat(letters("text")).containsOnlyKeys("12");
                assertThat(model.requests().subList(requestsBefore, model.requests().size()))
                        .as("only the refused row went to the model")
                        .allMatch(q -> q.inputs().equals(List.of("title 12\n\nPOISON 12")));

                assertThat(
                                cli(job, "purge", "--before", "2000-01-01")
                                        .json()
                                        .get("purged")
                                        .asLong())
                        .isZero();
                assertThat(
                                cli(job, "purge", "--table", "public.elsewhere")
                                        .json()
                                        .get("purged")
                                        .asLong())
                        .isZero();
                assertThat(letters("text")).containsOnlyKeys("12");

                refuse.set(false); // the endpoint now takes the text
                Run again = cli(job, "replay", "--table", "public." + t);
                assertThat(again.exitCode()).as(again.json() + again.err()).isZero();
                assertThat(again.json().get("replayed").asLong()).isEqualTo(1);
                assertThat(letters("text")).isEmpty();
                assertThat(SyncJobHarness.index(PG, t)).isEqualTo(SyncJobHarness.table(PG, t));

                refuse.set(true);
                PG.execute("INSERT INTO " + t + " VALUES (40, 'new', '" + POISON + " again')");
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> letters("text").containsKey("40"));
                assertThat(cli(job, "purge").json().get("purged").asLong()).isEqualTo(1);
                assertThat(cli(job, "list").lines()).isEmpty();
            } finally {
                sync.cancel().get();
            }
        }
    }

    @Test
    void aBeforeThatIsNoDateIsOneLine() throws Exception {
        Path job = dir.resolve("dl_none.yaml");
        Files.writeString(
                job,
                SyncJobHarness.yaml(
                        PG,
                        "dl_none",
                        List.of("dl_none"),
                        "  columns: [title]",
                        SyncJobHarness.pgvectorSink("dl_none")));
        Run r = cli(job, "purge", "--before", "last week");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.lines()).isEmpty();
        assertThat(r.err().strip())
                .isEqualTo(
                        "pgstream: error: invalid --before 'last week': use a date (2026-12-01) or"
                                + " an instant (2026-12-01T08:00:00Z) (see pgstream dead-letters"
                                + " purge --help)");
    }
}
