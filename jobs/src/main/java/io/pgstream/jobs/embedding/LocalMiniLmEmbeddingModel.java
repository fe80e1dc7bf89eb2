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
 * <p><b>On a real Flink cluster</b> user code lives in a per-job classloader. The next job in the
 * same task manager (a resubmission after a cancel, a second sync job) gets a new classloader,
 * whose copy of ONNX Runtime and the tokenizer cannot load their native libraries again ("Native
 * Library ... already loaded in another classloader"); {@link #shared()} then fails with a message
 * that says what to do: put the jars of {@code jobs/target/flink-lib} (ONNX Runtime, DJL and their
 * dependencies) into the cluster's {@code lib/} folder and load those packages parent-first, {@code
 * classloader.parent-first-patterns.additional: ai.onnxruntime.;ai.djl.}, so that every job uses
 * the cluster's one copy ({@code StandaloneClusterITCase} runs two jobs in one task manager this
 * way). MiniClusters and {@code pgstream} runs use one classloader and are not affected.
 */
public final class LocalMiniLmEmbeddingModel implements EmbeddingModel {

    /** Vector length of all-MiniLM-L6-v2. */
    public static final int DIMENSIONS = 384;

    public static final String ID = "local:all-minilm-l6-v2-q";

    private final AllMiniLmL6V2QuantizedEmbeddingModel model;

    private LocalMiniLmEmbeddingModel(AllMiniLmL6V2QuantizedEmbeddingModel model) {
        this.model = model;
    }

    /**
     * The shared model, loaded on first call (about a second); thread-safe.
     *
     * @throws IllegalStateException when another classloader in this JVM (an earlier Flink job) has
     *     loaded the model's native libraries, saying how to configure the cluster
     */
    public static LocalMiniLmEmbeddingModel shared() {
        try {
            return Holder.INSTANCE;
        } catch (LinkageError e) {
            if (nativeLibraryOfAnotherClassloader(e)) {
                throw new IllegalStateException(
                        "The local model cannot load its native libraries (ONNX Runtime, the"
                                + " HuggingFace tokenizer): an earlier job in this JVM loaded them"
                                + " in its own classloader, and a JVM loads a native library only"
                                + " once. On a Flink cluster, put the jars of jobs/target/flink-lib"
                                + " into Flink's lib/ folder and set"
                                + " classloader.parent-first-patterns.additional:"
                                + " ai.onnxruntime.;ai.djl. (README, \"On a Flink cluster\").",
                        e);
            }
            throw e;
        }
    }

    /**
     * Whether {@code error} (or a cause) is the JVM refusing a native library that another
     * classloader loaded. A failed static initializer surfaces as {@code
     * ExceptionInInitializerError} the first time and as {@code NoClassDefFoundError} after that,
     * which carries the original error only as text, so messages are searched too.
     */
    static boolean nativeLibraryOfAnotherClassloader(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("already loaded in another classloader")) {
                return true;
            }
        }
        return false;
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
