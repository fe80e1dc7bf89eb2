package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.CliProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgstream reconcile} as users run it, in its own JVM with a 64 MB heap, on a table of
 * 200,000 rows and an index of as many vectors: it must finish with exact counts, which it can only
 * do if it holds a page, not the table or the index, in memory. The index is generated in SQL with
 * the content and content hash the sync job would write (no model is called: a check embeds
 * nothing).
 */
class ReconcileProcessITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final int ROWS = 200_000;

    @TempDir Path dir;

    @Test
    void twoHundredThousandRowsAreReconciledInASmallHeap() throws Exception {
        String text = "title || E'\\n\\n' || body";
        PG.execute(
                "CREATE EXTENSION IF NOT EXISTS vector",
                "CREATE TABLE rc_big (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL)",
                "INSERT INTO rc_big SELECT g, 'title of document number ' || g,"
                        + " 'the body of document number ' || g || ', long enough to weigh"
                        + " something in memory when held for every row at once'"
                        + " FROM generate_series(1, "
                        + ROWS
                        + ") g",
                "CREATE TABLE rc_big_vectors (source_table text NOT NULL, id text NOT NULL,"
                        + " chunk int NOT NULL, embedding vector(8) NOT NULL, content text NOT"
                        + " NULL, metadata jsonb NOT NULL DEFAULT '{}', content_hash text, lsn"
                        + " bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),"
                        + " PRIMARY KEY (source_table, id, chunk))",
                "INSERT INTO rc_big_vectors (source_table, id, chunk, embedding, content,"
                        + " content_hash, lsn) SELECT 'public.rc_big', id::text, 0,"
                        + " '[1,0,0,0,0,0,0,0]', "
                        + text
                        + ", encode(sha256(convert_to('openai:text-embedding-testing', 'UTF8')"
                        + " || '\\x00'::bytea || convert_to("
                        + text
                        + ", 'UTF8')), 'hex'), 1 FROM rc_big",
                // drift: 3 missing, 2 orphaned, 1 stale
                "DELETE FROM rc_big_vectors WHERE id IN ('10', '150000', '199999')",
                "INSERT INTO rc_big_vectors (source_table, id, chunk, embedding, content,"
                        + " content_hash, lsn) VALUES ('public.rc_big', '300000', 0,"
                        + " '[1,0,0,0,0,0,0,0]', 'gone', 'x', 1), ('public.rc_big', '-5', 0,"
                        + " '[1,0,0,0,0,0,0,0]', 'gone', 'x', 1)",
                "UPDATE rc_big SET body = 'rewritten' WHERE id = 77777");
        Path config =
                CliJobFile.write(
                        dir.resolve("job.yaml"),
                        String.join(
                                "\n",
                                CliJobFile.source(
                                        PG,
                                        "public.rc_big",
                                        "s_" + PG.config().database() + "_rc_big"),
                                "embedding:",
                                "  model: openai",
                                "  base-url: http://127.0.0.1:9", // never called: a check embeds
                                // nothing
                                "  model-name: text-embedding-testing",
                                "  dimensions: 8",
                                "  template: \"{title}\\n\\n{body}\"",
                                "sink:",
                                "  type: pgvector",
                                "  table: public.rc_big_vectors",
                                ""));

        Path out = dir.resolve("out.json");
        Path err = dir.resolve("err.log");
        Process p =
                CliProcess.start(dir, out, err, "64m", "reconcile", "--config", config.toString());
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(finished).as("reconcile finished; stderr: " + stderr).isTrue();
        assertThat(p.exitValue()).as("exit code; stderr: " + stderr).isEqualTo(3);
        JsonNode json = new ObjectMapper().readTree(Files.readString(out, StandardCharsets.UTF_8));
        assertThat(json.get("rows").asLong()).isEqualTo(ROWS);
        assertThat(json.get("vectors").asLong()).isEqualTo(ROWS - 3 + 2);
        assertThat(json.get("missing").asLong()).isEqualTo(3);
        assertThat(json.get("orphaned").asLong()).isEqualTo(2);
        assertThat(json.get("stale").asLong()).isEqualTo(1);
        assertThat(json.get("repaired").asBoolean()).isFalse();
        assertThat(stderr).contains("pgstream: reconcile public.rc_big (rows done)");
    }
}
