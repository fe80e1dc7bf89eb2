package io.pgstream.jobs.embedding;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.util.TimeUtils;

/**
 * The built-in default model: the quantized all-MiniLM-L6-v2 that langchain4j ships inside its jar
 * (ONNX Runtime plus the HuggingFace tokenizer), 384 dimensions, no network, vectors normalised for
 * cosine similarity. Texts longer than the model's 256-token window are split by langchain4j and
 * their embeddings averaged; enable chunking for long documents.
 *
 * <p><b>One session per job and TaskManager.</b> An ONNX session holds the whole network (tens of
 * MB of native memory) plus native thread pools. Every instance of this class is a user of one
 * {@link SharedLocalSession}: the first opens the session, {@link #close()} releases it and the
 * last user's close frees it, so the parallel subtasks of a job share one session and a cancelled
 * job leaves nothing behind. A batch that takes longer than {@code embedding.local.timeout} fails
 * with an {@link EmbeddingException} (the task restarts) instead of blocking a checkpoint forever.
 *
 * <p><b>On a real Flink cluster</b> user code lives in a per-job classloader. The next job in the
 * same task manager (a resubmission after a cancel, a second sync job) gets a new classloader,
 * whose copy of ONNX Runtime and the tokenizer cannot load their native libraries again ("Native
 * Library ... already loaded in another classloader"); opening then fails with a message that says
 * what to do: put the jars of {@code jobs/target/flink-lib} (ONNX Runtime, DJL and their
 * dependencies) into the cluster's {@code lib/} folder and load those packages parent-first, {@code
 * classloader.parent-first-patterns.additional: ai.onnxruntime.;ai.djl.}, so that every job uses
 * the cluster's one copy ({@code StandaloneClusterITCase} runs jobs in one task manager this way).
 */
public final class LocalMiniLmEmbeddingModel implements EmbeddingModel {

    /** Vector length of all-MiniLM-L6-v2. */
    public static final int DIMENSIONS = 384;

    public static final String ID = "local:all-minilm-l6-v2-q";

    /** The session of this classloader (this job, on a Flink cluster). */
    private static final SharedLocalSession ONNX =
            new SharedLocalSession(LocalMiniLmEmbeddingModel::loadOnnx);

    private final SharedLocalSession session;
    private final Duration timeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A user of {@code session}, acquired now; a batch may take up to {@code timeout}. */
    LocalMiniLmEmbeddingModel(SharedLocalSession session, Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    EmbeddingOptions.LOCAL_TIMEOUT.key() + " must be positive");
        }
        session.acquire();
        this.session = session;
    }

    /**
     * A user of this classloader's session, opening it if nobody holds it (about a second); close
     * it when done.
     *
     * @param timeout longest time one batch may take ({@code embedding.local.timeout})
     * @throws IllegalStateException when another classloader in this JVM (an earlier Flink job) has
     *     loaded the model's native libraries, saying how to configure the cluster
     */
    public static LocalMiniLmEmbeddingModel open(Duration timeout) {
        return new LocalMiniLmEmbeddingModel(ONNX, timeout);
    }

    /** {@link #open(Duration)} with the default {@code embedding.local.timeout}. */
    public static LocalMiniLmEmbeddingModel open() {
        return open(EmbeddingOptions.LOCAL_TIMEOUT.defaultValue());
    }

    /** A serializable factory that {@link #open(Duration)}s where the job runs. */
    public static EmbeddingModel.Factory factory(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return () -> open(timeout);
    }

    /** {@link #factory(Duration)} with the default {@code embedding.local.timeout}. */
    public static EmbeddingModel.Factory factory() {
        return factory(EmbeddingOptions.LOCAL_TIMEOUT.defaultValue());
    }

    private static LocalInference loadOnnx() {
        try {
            return OnnxMiniLmInference.load();
        } catch (LinkageError | IllegalStateException e) {
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

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * Runs the batch on a thread of the session and waits at most the timeout for it. A batch past
     * its deadline is abandoned, not interrupted (native code cannot be, and an interrupted wait in
     * langchain4j would end the call while its texts still run): the caller gets the failure at
     * once, and the session stays open until that call returns.
     */
    @Override
    public List<float[]> embed(List<String> texts) throws EmbeddingException {
        if (texts.isEmpty()) {
            return List.of();
        }
        if (closed.get()) {
            throw new IllegalStateException("the local model is closed");
        }
        Future<List<float[]>> call = session.submit(List.copyOf(texts));
        try {
            return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(false); // the call runs on: see SharedLocalSession
            throw new EmbeddingException(
                    "The local model did not embed a batch of "
                            + texts.size()
                            + " texts within "
                            + TimeUtils.formatWithHighestUnit(timeout)
                            + " ("
                            + EmbeddingOptions.LOCAL_TIMEOUT.key()
                            + "): the task fails and restarts from its last checkpoint; raise "
                            + EmbeddingOptions.LOCAL_TIMEOUT.key()
                            + " or lower embedding.batch-size if batches are this slow",
                    e);
        } catch (ExecutionException e) {
            throw new EmbeddingException(
                    "The local model failed on a batch of "
                            + texts.size()
                            + " texts: "
                            + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(false); // the call runs on: see SharedLocalSession
            throw new EmbeddingException("Interrupted while the local model embedded a batch", e);
        }
    }

    /** Releases this user's share of the session; the last user's close frees it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            session.release();
        }
    }
}
