package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream reindex} of a Qdrant job: the new collection is built beside the live one with
 * another model and template, and {@code sink.alias}, a collection alias, is moved to it in one
 * request once it has caught up. A search of the alias, running all the while, always succeeds and
 * always returns one whole collection, the old one until the switch and the new one after it.
 */
class QdrantReindexITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int ROWS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestingOpenAiServer model;

    private TestingQdrantServer qdrant;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        model = TestingOpenAiServer.start(8);
        PG.execute(
                "CREATE TABLE qrx (id int PRIMARY KEY, title text, body text)",
                "INSERT INTO qrx SELECT g, 'title ' || g, 'body ' || g FROM generate_series(1, "
                        + ROWS
                        + ") g");
    }

    @AfterAll
    static void stop() throws Exception {
        model.close();
    }

    @BeforeEach
    void startQdrant() throws Exception {
        qdrant = TestingQdrantServer.start(null);
    }

    @AfterEach
    void stopQdrant() {
        assertThat(qdrant.violations()).isEmpty();
        qdrant.close();
    }

    private Path job(String slot, String modelName, String template, String collection)
            throws Exception {
        return CliJobFile.write(
                dir.resolve(slot + ".yaml"),
                String.join(
                        "\n",
                        CliJobFile.source(PG, "public.qrx", slot),
                        "  heartbeat: 200ms",
                        "embedding:",
                        "  model: openai",
                        "  base-url: " + model.baseUrl(),
                        "  model-name: " + modelName,
                        "  dimensions: 8",
                        "  template: \"" + template + "\"",
                        "sink:",
                        "  type: qdrant",
                        "  url: " + qdrant.url(),
                        "  collection: " + collection,
                        "  alias: qrx_search",
                        "checkpoint:",
                        "  interval: 300ms",
                        "  dir: '" + dir.resolve("checkpoints-" + slot) + "'",
                        ""));
    }

    /** Which collection a result set came from: "old", "new", or what is wrong with it. */
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
    void searchesOfTheAliasSeeTheOldCollectionThenTheWholeNewOne() throws Exception {
        Path old = job("qrx_old", "model-a", "{title}\\n\\n{body}", "qrx_v1");
        CliRun live =
                CliRun.of(
                        "sync",
                        "--config",
                        old.toString(),
                        "--no-progress",
                        "--startup-mode",
                        "snapshot-only");
        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(qdrant.aliases()).isEqualTo(Map.of("qrx_search", "qrx_v1"));
        assertThat(search(old)).isEqualTo("old");
        PG.execute("UPDATE qrx SET body = 'rewritten' WHERE id = 3");

        Path fresh = job("qrx_new", "model-b", "{body} / {title}", "qrx_v2");
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
                        "{\"switched\":true,\"alias\":\"qrx_search\",\"collection\":\"qrx_v2\"}");
        assertThat(r.err()).contains("pgstream: reindex qrx_v2: ", "; caught up");
        assertThat(seen).as("every search succeeds with a whole index").containsOnly("old", "new");
        assertThat(String.join(",", seen))
                .as("the old collection until the switch, the new one after it")
                .matches("(old,)*new(,new)*");
        assertThat(seen.get(0))
                .as("the alias reads the old collection while the new one is built")
                .isEqualTo("old");
        assertThat(qdrant.calls()).contains("updateAliases");
        assertThat(qdrant.aliases()).isEqualTo(Map.of("qrx_search", "qrx_v2"));
        assertThat(contents("qrx_v2"))
                .isEqualTo(PG.queryMap("SELECT id::text, body || ' / ' || title FROM qrx"));
        assertThat(qdrant.points("qrx_v1"))
                .as("the old collection is left for the user to delete")
                .hasSize(ROWS);
    }

    @Test
    void anAliasWithACollectionsNameOrNoAliasIsRefusedWithOneLine() throws Exception {
        qdrant.createCollection("qrx_taken", 8);
        Path clash =
                Files.writeString(
                        dir.resolve("clash.yaml"),
                        Files.readString(job("qrx_clash", "model-a", "{title}", "qrx_c1"))
                                .replace("alias: qrx_search", "alias: qrx_taken"));
        CliRun sync = CliRun.of("sync", "--config", clash.toString(), "--no-progress");
        assertThat(sync.exitCode()).isEqualTo(1);
        assertThat(sync.err().strip())
                .isEqualTo(
                        "pgstream: error: sink: sink.alias qrx_taken is the name of a Qdrant"
                                + " collection, and an alias cannot have a collection's name:"
                                + " choose another name for the alias");
        assertThat(qdrant.aliases()).isEmpty();

        Path noAlias =
                Files.writeString(
                        dir.resolve("no-alias.yaml"),
                        Files.readString(job("qrx_none", "model-a", "{title}", "qrx_n1"))
                                .replace("  alias: qrx_search\n", ""));
        CliRun reindex = CliRun.of("reindex", "--config", noAlias.toString());
        assertThat(reindex.exitCode()).isEqualTo(1);
        assertThat(reindex.err().strip())
                .isEqualTo(
                        "pgstream: error: sink.alias: pgstream reindex needs the name searches use"
                                + " (e.g. public.documents_search, or a Qdrant alias) in the new"
                                + " job file");
    }

    /** id → content of the collection's points (one chunk per row). */
    private Map<String, String> contents(String collection) {
        Map<String, String> out = new HashMap<>();
        qdrant.points(collection)
                .values()
                .forEach(
                        p ->
                                out.put(
                                        p.payload().get("id").getStringValue(),
                                        p.payload().get("content").getStringValue()));
        return out;
    }
}
