package io.pgstream.jobs.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in default model: the quantized all-MiniLM-L6-v2 that langchain4j ships inside its jar
 * (ONNX Runtime plus the HuggingFace tokenizer), 384 dimensions, no network, vectors normalised for
 * cosine similarity. Texts longer than the model's 256-token window are split by langchain4j and
 * their embeddings averaged; enable chunking for long documents.
 *
 * <p><b>One model per JVM.</b> An ONNX session holds the whole network (tens of MB) plus native
 * thread pools, and ONNX Runtime and the tokenizer load native libraries that a JVM can load only
 * once. All instances therefore share one session, created on first use by a static holder and
 * never closed ({@link #close()} does nothing): every parallel subtask in a task manager uses the
 * same session, which is thread-safe.
 *
 * <p><b>On a real Flink cluster</b> user code lives in a per-job classloader. After a job restart
 * in the same task manager a new classloader would load the native libraries again and fail with
 * "already loaded in another classloader". Put the langchain4j, {@code ai.djl} and {@code
 * com.microsoft.onnxruntime} jars in the cluster's {@code lib/} folder, or load those packages
 * parent-first: {@code classloader.parent-first-patterns.additional:
 * ai.djl.;ai.onnxruntime.;dev.langchain4j.model.embedding.onnx.} (MiniClusters and {@code pgstream}
 * runs use one classloader and are not affected).
 */
public final class LocalMiniLmEmbeddingModel implements EmbeddingModel {

    /** Vector length of all-MiniLM-L6-v2. */
    public static final int DIMENSIONS = 384;

    public static final String ID = "local:all-minilm-l6-v2-q";

    private final AllMiniLmL6V2QuantizedEmbeddingModel model;

    private LocalMiniLmEmbeddingModel(AllMiniLmL6V2QuantizedEmbeddingModel model) {
        this.model = model;
    }

    /** The shared model, loaded on first call (about a second); thread-safe. */
    public static LocalMiniLmEmbeddingModel shared() {
        return Holder.INSTANCE;
    }

    /** A serializable factory that hands out {@link #shared()} where the job runs. */
    public static EmbeddingModel.Factory factory() {
        return LocalMiniLmEmbeddingModel::shared;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<float[]> embed(List<String> texts) throws EmbeddingException {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            segments.add(TextSegment.from(text));
        }
        List<Embedding> embeddings;
        try {
            embeddings = model.embedAll(segments).content();
        } catch (RuntimeException e) {
            throw new EmbeddingException(
                    "The local model failed on a batch of " + texts.size() + " texts: " + e, e);
        }
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            vectors.add(embedding.vector());
        }
        return vectors;
    }

    /** Shared: closing one user must not close the session others use. */
    @Override
    public void close() {}

    /** Lazy, thread-safe, once per classloader (see the class comment on classloaders). */
    private static final class Holder {
        // langchain4j spreads a batch over its default executor; the session is shared.
        static final LocalMiniLmEmbeddingModel INSTANCE =
                new LocalMiniLmEmbeddingModel(new AllMiniLmL6V2QuantizedEmbeddingModel());
    }
}
