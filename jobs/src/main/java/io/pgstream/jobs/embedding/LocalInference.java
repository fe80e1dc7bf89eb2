package io.pgstream.jobs.embedding;

import java.util.List;

/**
 * What the local model runs a batch on: the ONNX session of {@link OnnxMiniLmInference}, or a
 * test's stand-in. Owned by one {@link SharedLocalSession}, which closes it once no job uses it and
 * no call runs in it.
 */
interface LocalInference extends AutoCloseable {

    /**
     * One vector per text, in order; blocks until they are ready; may be called from several
     * threads at once.
     */
    List<float[]> embed(List<String> texts) throws Exception;

    /** Frees the native memory; called once, when no {@link #embed} call runs. */
    @Override
    void close();
}
