package io.pgstream.jobs.embedding;

import java.util.List;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * Forms batches on the task thread and sends them to the {@link BatchEmbedder}: eager send while
 * the model is idle, otherwise an {@link OpenBatch} sealed when full, after {@code max-linger}, or
 * when the last call in flight answers; at most {@code max-in-flight-batches} calls at once. A
 * finished batch comes back through the mailbox to the {@link Completion}; a failed one is rethrown
 * on the task thread. Task thread only.
 */
final class BatchSender implements AutoCloseable {

    /** Takes a finished batch's outcomes, on the task thread. */
    interface Completion {
        void complete(List<PendingWrite> batch, BatchEmbedder.Result result) throws Exception;
    }

    private final BatchEmbedder embedder;
    private final MailboxExecutor mailbox;
    private final ProcessingTimeService timers;
    private final EmbeddingOperatorConfig config;
    private final Completion completion;
    private final OpenBatch open = new OpenBatch();
    private int inFlight;
    private Exception failure;

    BatchSender(
            BatchEmbedder embedder,
            MailboxExecutor mailbox,
            ProcessingTimeService timers,
            EmbeddingOperatorConfig config,
            Completion completion) {
        this.embedder = embedder;
        this.mailbox = mailbox;
        this.timers = timers;
        this.config = config;
        this.completion = completion;
    }

    /** The batch collecting now; its upserts may still change (collapse). */
    OpenBatch open() {
        return open;
    }

    /** Model calls running now. */
    int inFlight() {
        return inFlight;
    }

    /** Adds an upsert to the open batch; sends it at once when full or the model is idle. */
    void add(PendingWrite write) throws Exception {
        if (open.isEmpty() && inFlight > 0) {
            long seq = open.seq();
            long now = timers.getCurrentProcessingTime();
            timers.registerTimer(now + config.maxLinger().toMillis(), t -> onLinger(seq));
        }
        open.add(write);
        if (open.texts() >= config.batchSize() || inFlight == 0) {
            seal(); // full, or the model is idle: send without waiting for a linger
        }
    }

    /** Sends the open batch if it holds {@code batch-size} texts (after a collapse). */
    void sealIfFull() throws Exception {
        if (open.texts() >= config.batchSize()) {
            seal();
        }
    }

    private void onLinger(long seq) throws Exception {
        if (seq == open.seq()) {
            seal();
        }
    }

    /** Sends the open batch to the model (waiting for a free slot), if it holds anything. */
    void seal() throws Exception {
        List<PendingWrite> batch = open.take();
        if (batch.isEmpty()) {
            return;
        }
        while (inFlight >= config.maxInFlightBatches()) {
            yieldToMailbox();
        }
        inFlight++;
        embedder.submit(
                batch,
                result -> mailbox.execute(() -> complete(batch, result), "embedding batch done"),
                t -> mailbox.execute(() -> fail(batch, t), "embedding batch failed"));
    }

    /**
     * Runs one mail (a batch completion, a timer) on the task thread, waiting for one if needed.
     * After a failed batch nothing more can complete: rethrow its failure instead of waiting.
     */
    void yieldToMailbox() throws Exception {
        if (failure != null) {
            throw failure;
        }
        mailbox.yield();
    }

    private void complete(List<PendingWrite> batch, BatchEmbedder.Result result) throws Exception {
        inFlight--;
        completion.complete(batch, result);
        if (inFlight == 0) {
            seal(); // the model is idle: what collected meanwhile goes now
        }
    }

    private void fail(List<PendingWrite> batch, Throwable t) throws Exception {
        failure =
                new EmbeddingException(
                        "Embedding a batch of "
                                + batch.size()
                                + " rows failed (the job restarts from its last checkpoint): "
                                + t.getMessage(),
                        t);
        throw failure;
    }

    @Override
    public void close() throws Exception {
        embedder.close();
    }
}
