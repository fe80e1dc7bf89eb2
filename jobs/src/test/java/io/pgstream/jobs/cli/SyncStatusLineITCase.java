package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.CliProcess;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream sync --status-interval 200ms} in its own JVM, as users run it, embedding through
 * a local OpenAI-compatible endpoint: during the backfill of a table read in 40 chunks the status
 * line's percentage advances (takes at least two values), then the line says {@code streaming}, and
 * rows inserted afterwards show up in its {@code written} count with a freshness and a slot lag.
 */
class SyncStatusLineITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int ROWS = 20_000;

    private static final Pattern BACKFILL =
            Pattern.compile(
                    "^pgstream: backfill public\\.st_docs [\\d,]+/[\\d,]+ \\((\\d+)%\\) · ");
    private static final Pattern STREAMING =
            Pattern.compile(
                    "^pgstream: streaming · ([\\d,]+) written · (fresh p50 \\d[\\d,]* m?s p99"
                            + " \\d[\\d,]* m?s \\(1 min\\)|fresh –) · embedded ([\\d,]+) skipped"
                            + " ([\\d,]+)(?: · ([\\d,]+) tokens(?: ≈[\\d.]+)?)? · slot lag (.+)$");

    @TempDir Path dir;

    @Test
    void theStatusLineAdvancesThroughTheBackfillThenCountsStreamedWrites() throws Exception {
        PG.execute(
                "CREATE TABLE st_docs (id int PRIMARY KEY, title text NOT NULL, body text NOT"
                        + " NULL)",
                "INSERT INTO st_docs SELECT g, 'title ' || g, 'body ' || g"
                        + " FROM generate_series(1, "
                        + ROWS
                        + ") g",
                "ANALYZE st_docs");
        try (TestingOpenAiServer model = TestingOpenAiServer.start(8)) {
            Path config = jobFile(model.baseUrl());
            Path log = dir.resolve("sync.log");
            Process sync = start(config, log);
            try {
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(200))
                        .failFast("sync exited: " + CliProcess.tail(log, 40), () -> !sync.isAlive())
                        .until(() -> streamingLines(log).size() > 0);

                List<Integer> percentages = new ArrayList<>();
                for (String line : lines(log)) {
                    Matcher m = BACKFILL.matcher(line);
                    if (m.find()) {
                        percentages.add(Integer.parseInt(m.group(1)));
                    }
                }
                assertThat(percentages)
                        .as("backfill percentages in\n%s", CliProcess.tail(log, 40))
                        .isSorted();
                Set<Integer> between = new TreeSet<>(percentages);
                between.removeIf(p -> p == 0 || p == 100);
                assertThat(between)
                        .as(
                                "percentages strictly between 0 and 100 in\n%s",
                                CliProcess.tail(log, 40))
                        .hasSizeGreaterThanOrEqualTo(2);

                PG.execute(
                        "INSERT INTO st_docs SELECT g, 'new ' || g, 'streamed'"
                                + " FROM generate_series("
                                + (ROWS + 1)
                                + ", "
                                + (ROWS + 5)
                                + ") g");
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .failFast("sync exited: " + CliProcess.tail(log, 40), () -> !sync.isAlive())
                        .untilAsserted(
                                () ->
                                        assertThat(streamingLines(log))
                                                .anySatisfy(
                                                        m -> {
                                                            assertThat(number(m.group(1)))
                                                                    .isGreaterThanOrEqualTo(
                                                                            ROWS + 5);
                                                            assertThat(m.group(2))
                                                                    .startsWith("fresh p50");
                                                            assertThat(number(m.group(3)))
                                                                    .isGreaterThanOrEqualTo(
                                                                            ROWS + 5);
                                                            assertThat(number(m.group(5)))
                                                                    .as(
                                                                            "tokens the endpoint counted")
                                                                    .isPositive();
                                                            assertThat(m.group(6))
                                                                    .matches(
                                                                            "[\\d.,]+ (bytes|kB|MB|GB)");
                                                        }));
            } finally {
                sync.destroyForcibly();
                sync.waitFor();
            }
        }
    }

    private Path jobFile(String baseUrl) throws Exception {
        Path config =
                CliJobFile.write(
                        dir.resolve("job.yaml"),
                        String.join(
                                "\n",
                                CliJobFile.source(
                                        PG, "public.st_docs", "st_" + PG.config().database()),
                                "  publication: st_pub",
                                "  chunk-size: 500",
                                "embedding:",
                                "  model: openai",
                                "  base-url: " + baseUrl,
                                "  model-name: text-embedding-testing",
                                "  dimensions: 8",
                                "  template: \"{title}\\n\\n{body}\"",
                                "  batch-size: 64",
                                "  max-linger: 20ms",
                                "sink:",
                                "  type: pgvector",
                                "  table: public.st_docs_vectors",
                                "checkpoint:",
                                "  interval: 500ms",
                                "  dir: '" + dir.resolve("checkpoints") + "'",
                                ""));
        return config;
    }

    private Process start(Path config, Path log) throws Exception {
        return CliProcess.startLogged(
                dir,
                log,
                "768m",
                "sync",
                "--config",
                config.toString(),
                "--status-interval",
                "200ms");
    }

    private static List<Matcher> streamingLines(Path log) throws Exception {
        List<Matcher> found = new ArrayList<>();
        for (String line : lines(log)) {
            Matcher m = STREAMING.matcher(line);
            if (m.find()) {
                found.add(m);
            }
        }
        return found;
    }

    private static List<String> lines(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    private static long number(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }
}
