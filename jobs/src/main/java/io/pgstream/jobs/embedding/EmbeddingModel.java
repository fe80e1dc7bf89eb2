package io.pgstream.jobs.embedding;

import io.pgstream.jobs.embedding.budget.RequestBudget;
import java.io.Serializable;
import java.util.List;

/**
 * Turns texts into vectors: the one seam between the embedding operator and a model (the local ONNX
 * MiniLM, an OpenAI-compatible HTTP endpoint, or a test fake).
 *
 * <p>Instances are created on the task manager by an {@link EmbeddingModel.Factory} (models hold
 * native sessions or HTTP clients, which are not serializable). {@link #embed} may be called
 * concurrently from several threads; implementations must be thread-safe.
 */
public interface EmbeddingModel extends AutoCloseable {

    /** Length of every vector this model returns; known before the first call. */
    int dimensions();

    /** A stable name of the model, e.g. {@code local:all-minilm-l6-v2-q}; never null. */
    String id();

    /**
     * Embeds a batch of texts in one model call. Blocks until the vectors are ready.
     *
     * @return one vector per text, in the order of {@code texts}, each of length {@link
     *     #dimensions()}
     * @throws EmbeddingException when the model fails after its own retries; the message never
     *     contains credentials
     */
    List<float[]> embed(List<String> texts) throws EmbeddingException;

    @Override
    default void close() throws Exception {}

    /** Creates a model where it runs: serializable, so job graphs can carry it. */
    @FunctionalInterface
    interface Factory extends Serializable {
        EmbeddingModel create() throws EmbeddingException;

        /**
         * A model whose requests take permits from {@code budget} (the job's shared rate limit).
         * Models without a paid endpoint ignore it: the default is {@link #create()}.
         */
        default EmbeddingModel create(RequestBudget budget) throws EmbeddingException {
            return create();
        }
    }
}
