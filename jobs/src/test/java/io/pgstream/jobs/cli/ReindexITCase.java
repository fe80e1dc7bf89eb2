package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream reindex} builds a new index with another model and template beside the live one
 * and switches the alias to it only once it has caught up: a search of the alias, running all the
 * while, always succeeds and always returns a whole index, the old one until the switch and the
 * complete new one after it.
 */
class ReindexITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int ROWS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestingOpenAiServer model;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        model = TestingOpenAiServer.start(8);
        PG.execute(
                "CREATE TABLE rx (id int PRIMARY KEY, title text, body text)",
                "INSERT INTO rx SELECT g, 'title ' || g, 'body ' || g FROM generate_series(1, "
                        + ROWS
                        + ") g");
    }

    @AfterAll
    static void stop() throws Exception {
        model.close();
    }

    private Path job(String slot, String modelName, String template, String table)
            throws Exception {
        return CliJobFile.write(
                dir.resolve(slot + ".yaml"),
                String.join(
                        "\n",
                        CliJobFile.source(PG, "public.rx", slot),
                        "  heartbeat: 200ms",
                        "embedding:",
                        "  model: openai",
                        "  base-url: " + model.baseUrl(),
                        "  model-name: " + modelName,
                        "  dimensions: 8",
                        "  template: \"" + template + "\"",
                        "sink:",
                        "  type: pgvector",
                        "  table: public." + table,
                        "  alias: public.rx_search",
                        "  hnsw: false",
                        "checkpoint:",
                        "  interval: 300ms",
                        "  dir: '" + dir.resolve("checkpoints-" + slot) + "'",
                        ""));
    }

    /** Which index a result set came from: "old", "new", or what is wrong with it. */
    private static String search(Path job) throws Exception {
        CliRun r = CliRun.of("search", "--config", job.toString(), "-k", "" + ROWS, "probe");
        if (r.exitCode() != 0) {
            return "failed: " + r.err();
        }
        Set<String> kinds = new HashSet<>();
        List<String> lines = r.out().strip().lines().toList();
        for (String line : lines) {
            JsonNode hit = JSON.readTree(line);
            kinds.add(hit.get("content").asText().startsWith("title ") ? "old" : "new");
        }
        if (lines.size() != ROWS || kinds.size() != 1) {
            return "mixed or partial: " + lines.size() + " hits of " + kinds;
        }
        return kinds.iterator().next();
    }

    @Test
    void searchesOfTheAliasSeeTheOldIndexThenTheWholeNewOne() throws Exception {
        Path old = job("idrx_old", "model-a", "{title}\\n\\n{body}", "rx_v1");
        CliRun live =
                CliRun.of(
                        "sync",
                        "--config",
                        old.toString(),
                        "--no-progress",
                        "--startup-mode",
                        "snapshot-only");
        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(search(old)).isEqualTo("old");
        PG.execute("UPDATE rx SET body = 'rewritten' WHERE id = 3");

        Path fresh = job("idrx_new", "model-b", "{body} / {title}", "rx_v2");
        CompletableFuture<CliRun> reindex =
                CompletableFuture.supplyAsync(
                        () ->
                                CliRun.of(
                                        "reindex",
                                        "--config",
                                        fresh.toString(),
                                        "--exit-after-switch",
                                        "--check-interval",
                                        "200ms"));
        List<String> seen = new ArrayList<>();
        while (!reindex.isDone()) {
            seen.add(search(fresh));
        }
        CliRun r = reindex.get(1, TimeUnit.MINUTES);
        seen.add(search(fresh));

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip())
                .isEqualTo(
                        "{\"switched\":true,\"alias\":\"public.rx_search\",\"table\":\"public.rx_v2\"}");
        assertThat(r.err()).contains("pgstream: reindex public.rx_v2: ", "; caught up");
        assertThat(seen).as("every search succeeds with a whole index").containsOnly("old", "new");
        assertThat(String.join(",", seen))
                .as("the old index until the switch, the new one after it")
                .matches("(old,)*new(,new)*");
        assertThat(PG.queryMap("SELECT id, content FROM rx_v2"))
                .isEqualTo(PG.queryMap("SELECT id::text, body || ' / ' || title FROM rx"));
        assertThat(PG.queryValue("SELECT count(*) FROM rx_v1"))
                .as("the old table is left for the user to drop")
                .isEqualTo((long) ROWS);
    }
}
