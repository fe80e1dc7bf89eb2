package io.pgstream.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pgstream.connector.testutils.PostgresExtension;
import io.pgstream.jobs.embedding.LocalMiniLmEmbeddingModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code 'provider' = 'minilm'} in ML_PREDICT over a pgstream table: the built-in model's vectors.
 */
class MiniLmModelProviderITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension();

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final List<String> TEXTS =
            List.of("a cat sits on the mat", "PostgreSQL logical replication", "vector search");

    @Test
    void embedsLikeTheLocalModelWith384NormalisedDimensions() throws Exception {
        PG.execute(
                "CREATE TABLE ml_docs (id int PRIMARY KEY, body text)",
                "INSERT INTO ml_docs VALUES (1, '"
                        + TEXTS.get(0)
                        + "'), (2, '"
                        + TEXTS.get(1)
                        + "'), (3, '"
                        + TEXTS.get(2)
                        + "')");
        TableEnvironment env = ModelSql.tableEnv();
        env.executeSql(
                ModelSql.docsTable(PG, "docs", "ml_docs", "ml_docs_slot")
                        .replace("'upsert'", "'all'")
                        .replace("'slot.name'", "'scan.startup.mode' = 'snapshot', 'slot.name'"));
        env.executeSql(
                "CREATE MODEL minilm INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)"
                        + " WITH ('provider' = 'minilm', 'task' = 'embedding')");
        Map<Integer, Float[]> vectors = new HashMap<>();
        try (CloseableIterator<Row> it =
                env.executeSql(
                                "SELECT id, embedding FROM ML_PREDICT(TABLE docs, MODEL minilm,"
                                        + " DESCRIPTOR(body))")
                        .collect()) {
            it.forEachRemaining(r -> vectors.put((Integer) r.getField(0), (Float[]) r.getField(1)));
        }
        List<float[]> reference = LocalMiniLmEmbeddingModel.shared().embed(TEXTS);
        assertThat(vectors).hasSize(3);
        for (int i = 0; i < TEXTS.size(); i++) {
            Float[] v = vectors.get(i + 1);
            assertThat(v).hasSize(LocalMiniLmEmbeddingModel.DIMENSIONS);
            double norm = 0;
            for (int d = 0; d < v.length; d++) {
                norm += v[d] * v[d];
                assertThat(v[d]).isCloseTo(reference.get(i)[d], within(1e-5f));
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-3));
        }
    }
}
