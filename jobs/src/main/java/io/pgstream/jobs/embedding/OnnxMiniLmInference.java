package io.pgstream.jobs.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantized all-MiniLM-L6-v2 that langchain4j ships in its jar, on an ONNX session this class
 * creates and closes. langchain4j's own {@code AllMiniLmL6V2QuantizedEmbeddingModel} keeps its
 * session in a static field that nothing can close, so this class builds the session from the same
 * jar resources and hands it to langchain4j's public {@link OnnxBertBiEncoder} (tokenizer,
 * splitting of long texts, mean pooling, normalisation): vectors are the same as that model's.
 *
 * <p>{@link #close()} frees the session, its options, the thread pool that spreads a batch over the
 * cores, and the HuggingFace tokenizer (native memory too; langchain4j keeps it private, so it is
 * closed by reflection, and by its finalizer should that field ever move).
 */
final class OnnxMiniLmInference implements LocalInference {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxMiniLmInference.class);

    static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";

    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final OnnxBertBiEncoder encoder;
    private final ThreadPoolExecutor threads;
    private final Model model;

    private OnnxMiniLmInference(
            OrtSession.SessionOptions options, OrtSession session, OnnxBertBiEncoder encoder) {
        this.options = options;
        this.session = session;
        this.encoder = encoder;
        int cores = Runtime.getRuntime().availableProcessors();
        AtomicInteger n = new AtomicInteger();
        // As langchain4j's default executor (one thread per core), but owned and shut down here.
        this.threads =
                new ThreadPoolExecutor(
                        cores,
                        cores,
                        1,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t = new Thread(r, "pgstream-local-model-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        threads.allowCoreThreadTimeOut(true);
        this.model = new Model(encoder, threads);
    }

    /**
     * Reads the model and tokenizer from the langchain4j jar and opens an ONNX session (about a
     * second). Native library failures propagate as the JVM's {@link LinkageError}.
     */
    static OnnxMiniLmInference load() {
        ClassLoader loader = OnnxMiniLmInference.class.getClassLoader();
        byte[] bytes;
        try (InputStream in = resource(loader, MODEL_RESOURCE)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + MODEL_RESOURCE + ": " + e, e);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try (InputStream tokenizer = resource(loader, TOKENIZER_RESOURCE)) {
            session = environment.createSession(bytes, options);
            return new OnnxMiniLmInference(
                    options,
                    session,
                    new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
        } catch (OrtException | IOException | RuntimeException e) {
            closeQuietly(session);
            options.close();
            throw new IllegalStateException("cannot open the local model: " + e, e);
        }
    }

    private static InputStream resource(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath (the langchain4j model jar)");
        }
        return in;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            segments.add(TextSegment.from(text));
        }
        List<Embedding> embeddings = model.embedAll(segments).content();
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding embedding : embeddings) {
            vectors.add(embedding.vector());
        }
        return vectors;
    }

    /**
     * Waits for the threads of the last batch (one failed text ends a call while its other texts
     * may still run), then frees the native memory; never under a running inference.
     */
    @Override
    public void close() {
        threads.shutdown();
        boolean idle;
        try {
            idle = threads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (!idle) {
            LOG.warn(
                    "The local model's ONNX session is left open: a text is still being embedded"
                            + " after 30 s");
            return;
        }
        closeQuietly(session);
        options.close();
        closeTokenizer();
    }

    private void closeTokenizer() {
        try {
            Field field = OnnxBertBiEncoder.class.getDeclaredField("tokenizer");
            field.setAccessible(true);
            if (field.get(encoder) instanceof AutoCloseable tokenizer) {
                tokenizer.close();
            }
        } catch (Exception | LinkageError e) {
            LOG.debug("The tokenizer is left to its finalizer: {}", e.toString());
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Closing the local model's ONNX session failed: {}", e.toString());
        }
    }

    /** langchain4j's batch logic (one text per call, spread over {@code threads}). */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder, ThreadPoolExecutor threads) {
            super(threads);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return LocalMiniLmEmbeddingModel.DIMENSIONS;
        }
    }
}
