package io.pgstream.jobs.testutils;

import io.pgstream.jobs.embedding.EmbeddingException;
import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.embedding.PermanentEmbeddingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake model behind {@link EmbeddingModel} for operator tests: vectors are a pure function of the
 * text ({@link #vectorOf}), every call is recorded, and calls can be made slow and out of order.
 *
 * <ul>
 *   <li>gated: each call blocks until the test {@link #release}s it, so a test decides in which
 *       order batches complete;
 *   <li>jittery: each call takes a random 0..{@code maxDelayMillis} ms, so concurrent batches
 *       finish in random order (a model's latency, not a synchronisation device);
 *   <li>a text containing {@code REFUSE} makes the call fail permanently, one containing {@code
 *       FAIL} transiently.
 * </ul>
 *
 * Instances live in a static registry under a name, so a {@link #factory} carried through a job
 * graph on a MiniCluster in the same JVM finds the instance the test inspects.
 */
public final class TestingEmbeddingModel implements EmbeddingModel {

    public static final int DIMENSIONS = 8;

    private static final Map<String, TestingEmbeddingModel> REGISTRY = new ConcurrentHashMap<>();

    private final boolean gated;
    private final int maxDelayMillis;
    private final List<List<String>> calls = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> gates = new CopyOnWriteArrayList<>();
    private final AtomicInteger concurrentTexts = new AtomicInteger();
    private final AtomicInteger maxConcurrentTexts = new AtomicInteger();
    private final AtomicInteger concurrentCalls = new AtomicInteger();
    private final AtomicInteger maxConcurrentCalls = new AtomicInteger();
    private volatile boolean released;

    private TestingEmbeddingModel(boolean gated, int maxDelayMillis) {
        this.gated = gated;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** A model whose calls wait for {@link #release}. */
    public static TestingEmbeddingModel gated(String name) {
        return register(name, new TestingEmbeddingModel(true, 0));
    }

    /** A model whose calls take a random time up to {@code maxDelayMillis}. */
    public static TestingEmbeddingModel jittery(String name, int maxDelayMillis) {
        return register(name, new TestingEmbeddingModel(false, maxDelayMillis));
    }

    private static TestingEmbeddingModel register(String name, TestingEmbeddingModel model) {
        REGISTRY.put(name, model);
        return model;
    }

    /** A serializable factory handing out the instance registered under {@code name}. */
    public static EmbeddingModel.Factory factory(String name) {
        return () -> REGISTRY.get(name);
    }

    /** The vector this model returns for {@code text}. */
    public static float[] vectorOf(String text) {
        return vectorOf(text, DIMENSIONS);
    }

    /** A vector of {@code dimensions} values that is a pure function of {@code text}. */
    public static float[] vectorOf(String text, int dimensions) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        float[] v = new float[dimensions];
        for (int i = 0; i < bytes.length; i++) {
            v[i % dimensions] += bytes[i];
        }
        v[0] += text.length();
        return v;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public String id() {
        return "testing";
    }

    @Override
    public List<float[]> embed(List<String> texts) throws EmbeddingException {
        int callIndex;
        CompletableFuture<Void> gate = new CompletableFuture<>();
        synchronized (this) {
            callIndex = calls.size();
            calls.add(List.copyOf(texts));
            gates.add(gate);
        }
        maxConcurrentTexts.accumulateAndGet(concurrentTexts.addAndGet(texts.size()), Math::max);
        maxConcurrentCalls.accumulateAndGet(concurrentCalls.incrementAndGet(), Math::max);
        try {
            if (gated && !released) {
                gate.get();
            } else if (maxDelayMillis > 0) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(maxDelayMillis + 1));
            }
            for (String text : texts) {
                if (text.contains("REFUSE")) {
                    throw new PermanentEmbeddingException("refused: call " + callIndex);
                }
                if (text.contains("FAIL")) {
                    throw new EmbeddingException("transient failure: call " + callIndex);
                }
            }
            List<float[]> vectors = new ArrayList<>();
            for (String text : texts) {
                vectors.add(vectorOf(text));
            }
            return vectors;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new EmbeddingException("gate failed", e);
        } finally {
            concurrentTexts.addAndGet(-texts.size());
            concurrentCalls.decrementAndGet();
        }
    }

    /** Lets call number {@code index} (0-based, in arrival order) return. */
    public void release(int index) {
        gates.get(index).complete(null);
    }

    /**
     * Lets the call that carries {@code text} return: batches sent from several threads reach the
     * model in no fixed order, so a test that means "this batch" names one of its texts.
     */
    public synchronized void releaseCallWith(String text) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).contains(text)) {
                gates.get(i).complete(null);
                return;
            }
        }
        throw new IllegalStateException("no call carries " + text + ": " + calls);
    }

    /** Lets every call, present and future, return at once. */
    public void releaseAll() {
        released = true;
        gates.forEach(g -> g.complete(null));
    }

    /** The texts of every call so far, in call order. */
    public List<List<String>> calls() {
        return Collections.unmodifiableList(new ArrayList<>(calls));
    }

    /** Every text sent so far, in call order. */
    public List<String> texts() {
        List<String> all = new ArrayList<>();
        calls.forEach(all::addAll);
        return all;
    }

    public int callCount() {
        return calls.size();
    }

    public int maxConcurrentTexts() {
        return maxConcurrentTexts.get();
    }

    public int maxConcurrentCalls() {
        return maxConcurrentCalls.get();
    }
}
