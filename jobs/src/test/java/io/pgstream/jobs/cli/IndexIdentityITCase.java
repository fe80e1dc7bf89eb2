package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.testutils.TestingOpenAiServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pgvector index records the model and template that built it, and every command that embeds into
 * it ({@code sync}, {@code reconcile --repair}, {@code dead-letters replay}) refuses a job file
 * naming another one before it starts, with exit code 2: unchanged texts are never embedded again,
 * so going on would leave vectors of two models in one index.
 */
class IndexIdentityITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final String TEMPLATE = "template: \"{title}\\n\\n{body}\"";

    private static TestingOpenAiServer model;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        model = TestingOpenAiServer.start(8);
        PG.execute(
                "CREATE TABLE idn (id int PRIMARY KEY, title text, body text)",
                "INSERT INTO idn SELECT g, 'title ' || g, 'body ' || g FROM generate_series(1, 5)"
                        + " g");
    }

    @AfterAll
    static void stop() throws Exception {
        model.close();
    }

    /** A job file for {@code public.idn} into {@code public.idn_vectors}, embedding with this. */
    private Path job(String name, String modelName, String template) throws Exception {
        return CliJobFile.write(
                dir,
                PG,
                "idn",
                name,
                String.join(
                        "\n",
                        "  model: openai",
                        "  base-url: " + model.baseUrl(),
                        "  model-name: " + modelName,
                        "  dimensions: 8",
                        "  " + template),
                "  type: pgvector\n  table: public.idn_vectors",
                dir.resolve("checkpoints-" + name).toString());
    }

    private static CliRun snapshot(Path job) {
        return CliRun.of(
                "sync",
                "--config",
                job.toString(),
                "--no-progress",
                "--startup-mode",
                "snapshot-only");
    }

    private static Object comment() throws Exception {
        return PG.queryValue("SELECT obj_description('public.idn_vectors'::regclass, 'pg_class')");
    }

    @Test
    void anotherModelOrTemplateIsRefusedAndTheSameModelRuns() throws Exception {
        CliRun first = snapshot(job("idn_a", "text-embedding-a", TEMPLATE));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(PG.queryValue("SELECT count(*) FROM idn_vectors")).isEqualTo(5L);
        assertThat((String) comment())
                .contains("\"model\":\"openai:text-embedding-a\"", "\"dimensions\":8");

        int requests = model.requests().size();
        CliRun other = snapshot(job("idn_b", "text-embedding-b", TEMPLATE));
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.out()).isEmpty();
        assertThat(other.err().strip())
                .isEqualTo(
                        "pgstream: error: the index public.idn_vectors was built with model"
                                + " openai:text-embedding-a (8 dimensions), the job file says"
                                + " openai:text-embedding-b (8 dimensions); run pgstream reindex"
                                + " --config <new-job.yaml> to build a new index beside it (or"
                                + " point sink.table at a new table)");
        assertThat(model.requests().subList(requests, model.requests().size()))
                .as("no row embedded with the other model (only the endpoint check's probe)")
                .allSatisfy(r -> assertThat(r.inputs()).containsExactly("pgstream"));
        assertThat(
                        PG.queryValue(
                                "SELECT count(*) FROM pg_replication_slots WHERE slot_name ="
                                        + " 'idn_b'"))
                .as("no slot made for a job that cannot run")
                .isEqualTo(0L);

        CliRun template = snapshot(job("idn_t", "text-embedding-a", "template: \"{body}\""));
        assertThat(template.exitCode()).isEqualTo(2);
        assertThat(template.err())
                .contains(
                        "was built with template \"{title}\\n\\n{body}\", the job file says"
                                + " \"{body}\"");

        Path otherJob = job("idn_b", "text-embedding-b", TEMPLATE);
        CliRun repair = CliRun.of("reconcile", "--config", otherJob.toString(), "--repair");
        assertThat(repair.exitCode()).isEqualTo(2);
        assertThat(repair.err()).contains("was built with model openai:text-embedding-a");
        CliRun replay = CliRun.of("dead-letters", "replay", "--config", otherJob.toString());
        assertThat(replay.exitCode()).isEqualTo(2);
        assertThat(replay.err()).contains("was built with model openai:text-embedding-a");

        requests = model.requests().size();
        CliRun same = snapshot(job("idn_a", "text-embedding-a", TEMPLATE));
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(model.requests().subList(requests, model.requests().size()))
                .as("the same model finds its content hashes: no row embedded again")
                .allSatisfy(r -> assertThat(r.inputs()).containsExactly("pgstream"));
    }

    @Test
    void anIndexWithoutARecordGetsTheJobFilesWithAWarning() throws Exception {
        PG.execute(
                "CREATE TABLE idn_old (id int PRIMARY KEY, title text, body text)",
                "INSERT INTO idn_old VALUES (1, 'a', 'b')");
        Path job =
                CliJobFile.write(
                        dir,
                        PG,
                        "idn_old",
                        "idn_old",
                        String.join(
                                "\n",
                                "  model: openai",
                                "  base-url: " + model.baseUrl(),
                                "  model-name: text-embedding-a",
                                "  dimensions: 8",
                                "  columns: [title, body]"),
                        "  type: pgvector\n  table: public.idn_old_vectors",
                        dir.resolve("checkpoints-old").toString());
        assertThat(snapshot(job).exitCode()).isZero();
        PG.execute("COMMENT ON TABLE idn_old_vectors IS NULL"); // as an older pgstream left it

        CliRun again = snapshot(job);

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err())
                .contains("records no model; recording openai:text-embedding-a and the template");
        assertThat(
                        (String)
                                PG.queryValue(
                                        "SELECT obj_description('public.idn_old_vectors'::regclass,"
                                                + " 'pg_class')"))
                .contains(
                        "\"model\":\"openai:text-embedding-a\"",
                        "\"template\":\"columns: title, body\"");
    }
}
