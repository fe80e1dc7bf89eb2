package io.pgstream.jobs.embedding;

import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the ONNX session behind {@link LocalMiniLmEmbeddingModel}: answers with {@link
 * TestingEmbeddingModel#vectorOf} vectors of 384 values, or hangs like a native call that never
 * returns (deaf to interrupts) until the test {@link #release}s it. Counts calls and closes, and
 * records a close that came while a call was running (which would free memory under it).
 */
final class TestingLocalInference implements LocalInference {

    private final CountDownLatch gate;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile boolean closedWhileRunning;

    private TestingLocalInference(boolean hanging) {
        this.gate = new CountDownLatch(hanging ? 1 : 0);
    }

    static TestingLocalInference answering() {
        return new TestingLocalInference(false);
    }

    static TestingLocalInference hanging() {
        return new TestingLocalInference(true);
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        running.incrementAndGet();
        calls.incrementAndGet();
        entered.countDown();
        try {
            boolean interrupted = false;
            while (true) {
                try {
                    gate.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // native code does not stop for an interrupt
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            List<float[]> vectors = new ArrayList<>();
            for (String text : texts) {
                vectors.add(
                        TestingEmbeddingModel.vectorOf(text, LocalMiniLmEmbeddingModel.DIMENSIONS));
            }
            return vectors;
        } finally {
            running.decrementAndGet();
        }
    }

    /** Lets hanging calls return. */
    void release() {
        gate.countDown();
    }

    /** Waits until a call has started. */
    void awaitCall() throws InterruptedException {
        entered.await();
    }

    /** Calls running now. */
    int running() {
        return running.get();
    }

    int calls() {
        return calls.get();
    }

    int closes() {
        return closes.get();
    }

    boolean closedWhileRunning() {
        return closedWhileRunning;
    }

    @Override
    public void close() {
        if (running.get() > 0) {
            closedWhileRunning = true;
        }
        closes.incrementAndGet();
    }
}
