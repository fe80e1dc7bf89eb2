package io.pgstream.jobs.model;

import io.pgstream.jobs.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns one-text requests into batched {@link EmbeddingModel#embed} calls. ML_PREDICT calls its
 * function once per row; rows that arrive together (up to the operator's {@code
 * max-concurrent-operations}) are queued here, and one collecting thread sends them as one call: as
 * soon as {@code batchSize} texts wait, or {@code maxLinger} after the first one. At most {@code
 * maxConcurrentCalls} calls run at once (on a pool of that size); while all are busy, rows keep
 * queueing, so the next call takes them all at once.
 *
 * <p>Every future completes: with the text's vector, with the model's exception (the job fails and
 * restarts from its checkpoint, as in the job template without dead letters), or with a
 * cancellation on {@link #close()}.
 */
final class TextBatcher implements AutoCloseable {

    private record Pending(String text, CompletableFuture<float[]> vector) {}

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final EmbeddingModel model;
    private final BatchSettings settings;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Semaphore calls;
    private final ExecutorService callers;
    private final Thread collector;
    private volatile boolean closed;

    TextBatcher(EmbeddingModel model, BatchSettings settings) {
        this.model = model;
        this.settings = settings;
        this.calls = new Semaphore(settings.maxConcurrentCalls());
        int n = INSTANCES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.callers =
                Executors.newFixedThreadPool(
                        settings.maxConcurrentCalls(),
                        r ->
                                daemon(
                                        r,
                                        "pgstream-model-call-"
                                                + n
                                                + "-"
                                                + threads.incrementAndGet()));
        this.collector = daemon(this::collect, "pgstream-model-batcher-" + n);
        collector.start();
    }

    /** The vector of {@code text}, computed in a later batch; never blocks. */
    CompletableFuture<float[]> embed(String text) {
        CompletableFuture<float[]> vector = new CompletableFuture<>();
        if (closed) {
            vector.cancel(false);
        } else {
            queue.add(new Pending(text, vector));
        }
        return vector;
    }

    private void collect() {
        while (!closed) {
            List<Pending> batch = List.of();
            try {
                batch = nextBatch();
                calls.acquire();
                List<Pending> taken = batch;
                callers.execute(() -> call(taken));
            } catch (InterruptedException | RejectedExecutionException e) {
                batch.forEach(p -> p.vector().cancel(false));
                return;
            }
        }
    }

    /** Blocks for a first text, then gathers more until the batch is full or the linger is up. */
    private List<Pending> nextBatch() throws InterruptedException {
        List<Pending> batch = new ArrayList<>(settings.batchSize());
        batch.add(queue.take());
        long deadline = System.nanoTime() + settings.maxLinger().toNanos();
        while (batch.size() < settings.batchSize()) {
            long left = deadline - System.nanoTime();
            Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private void call(List<Pending> batch) {
        try {
            List<String> texts = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                texts.add(p.text());
            }
            List<float[]> vectors = model.embed(texts);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).vector().complete(vectors.get(i));
            }
        } catch (Exception e) {
            for (Pending p : batch) {
                p.vector().completeExceptionally(e);
            }
        } finally {
            calls.release();
        }
    }

    /** Stops the threads; texts still waiting are cancelled. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        collector.interrupt();
        collector.join(TimeUnit.SECONDS.toMillis(10));
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
        for (Pending p; (p = queue.poll()) != null; ) {
            p.vector().cancel(false);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
