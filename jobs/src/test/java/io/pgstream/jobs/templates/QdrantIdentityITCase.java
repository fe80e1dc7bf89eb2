package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.sink.IndexIdentityMismatchException;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Qdrant collection records the model and template that built it in its own metadata, written
 * when the job prepares it, and a job file naming another model is refused before it starts.
 */
class QdrantIdentityITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @BeforeAll
    static void createTable() throws Exception {
        PG.execute("CREATE TABLE qid (id int PRIMARY KEY, title text, body text)");
    }

    private static JobConfig job(TestingQdrantServer qdrant, String modelName) {
        return SyncJobHarness.config(
                PG,
                "qid",
                SyncJobHarness.openAiEmbedding("http://127.0.0.1:9/v1", 8)
                        .replace("text-embedding-testing", modelName),
                String.join(
                        "\n",
                        "sink:",
                        "  type: qdrant",
                        "  url: " + qdrant.url(),
                        "  collection: qid"));
    }

    @Test
    void theCollectionRecordsItsModelAndRefusesAnother() throws Exception {
        try (TestingQdrantServer qdrant = TestingQdrantServer.start(null)) {
            assertThat(VectorStores.prepare(job(qdrant, "model-a"))).isEmpty();
            assertThat(qdrant.metadata("qid").get("pgstream_index").getStringValue())
                    .contains("\"model\":\"openai:model-a\"");

            assertThat(VectorStores.prepare(job(qdrant, "model-a"))).isEmpty();
            assertThatThrownBy(() -> VectorStores.prepare(job(qdrant, "model-b")))
                    .isInstanceOf(IndexIdentityMismatchException.class)
                    .hasMessage(
                            "the index Qdrant collection qid was built with model openai:model-a"
                                    + " (8 dimensions), the job file says openai:model-b (8"
                                    + " dimensions); run pgstream reindex --config <new-job.yaml>"
                                    + " to build a new collection beside it (or point"
                                    + " sink.collection at a new collection, or delete this one to"
                                    + " rebuild it)");
        }
    }

    @Test
    void aCollectionWithoutARecordGetsTheJobFiles() throws Exception {
        try (TestingQdrantServer qdrant = TestingQdrantServer.start(null)) {
            qdrant.createCollection("qid", 8); // made by an older pgstream

            VectorStores.prepare(job(qdrant, "model-a"));

            assertThat(qdrant.metadata("qid").get("pgstream_index").getStringValue())
                    .contains("\"model\":\"openai:model-a\"");
            assertThatThrownBy(() -> VectorStores.prepare(job(qdrant, "model-b")))
                    .isInstanceOf(IndexIdentityMismatchException.class);
        }
    }
}
