package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.VectorWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The batch-thread half of {@link EmbeddingOperator}: runs sealed batches on a bounded pool of its
 * own threads, asks the sink's {@link ContentHashLookup} for rows the operator has no hash of and
 * for the stored vectors of chunked texts' unchanged chunks, calls the {@link EmbeddingModel} for
 * the rest, and retries a refused batch row by row to find the culprits. It keeps no state of the
 * operator's: a batch's rows no longer change once sealed, and every outcome goes back through the
 * callbacks (which the operator routes to its mailbox).
 */
final class BatchEmbedder implements AutoCloseable {

    /** A finished batch: one outcome per row, in the batch's order. */
    record Result(List<BatchOutcome> outcomes, int textsEmbedded, long millis) {}

    private final EmbeddingModel model;
    private final ContentHashLookup lookup;
    private final ReentrantLock lookupLock = new ReentrantLock();
    private final ThreadPoolExecutor executor;

    /**
     * @param lookup the sink's stored hashes; null when rows are never looked up
     * @param threads at most this many model calls run at once
     */
    BatchEmbedder(EmbeddingModel model, ContentHashLookup lookup, int threads, String name) {
        this.model = model;
        this.lookup = lookup;
        AtomicInteger n = new AtomicInteger();
        this.executor =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        60,
                        TimeUnit.SECONDS,
                        new ArrayBlockingQueue<>(threads),
                        r -> {
                            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Embeds the batch on a batch thread; exactly one of the callbacks runs, on that thread. The
     * caller keeps at most {@code threads} batches submitted and not yet answered.
     */
    void submit(List<PendingWrite> batch, Consumer<Result> done, Consumer<Throwable> failed) {
        executor.execute(
                () -> {
                    long started = System.nanoTime();
                    Result result;
                    try {
                        int[] sent = new int[1];
                        BatchOutcome[] outcomes = compute(batch, sent);
                        long millis = (System.nanoTime() - started) / 1_000_000;
                        result = new Result(Arrays.asList(outcomes), sent[0], millis);
                    } catch (Throwable t) {
                        failed.accept(t);
                        return;
                    }
                    done.accept(result);
                });
    }

    /**
     * The batch's outcomes; {@code sent[0]} becomes the number of texts sent to the model. Only
     * chunks whose vector is neither stored ({@link ChunkVectors}) nor already computed for an
     * earlier row of the batch are sent, each distinct text once.
     */
    private BatchOutcome[] compute(List<PendingWrite> batch, int[] sent) throws Exception {
        BatchOutcome[] outcomes = new BatchOutcome[batch.size()];
        Set<Integer> notStored = lookUpStoredHashes(batch, outcomes);
        List<Integer> toEmbed = new ArrayList<>();
        List<Integer> mayReuse = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] == null) {
                toEmbed.add(i);
                if (!notStored.contains(i)) {
                    mayReuse.add(i);
                }
            }
        }
        ChunkVectors vectors = new ChunkVectors();
        lookupLock.lock(); // the lookup is called from one thread at a time
        try {
            vectors.reuseStored(lookup, batch, mayReuse);
        } finally {
            lookupLock.unlock();
        }
        List<String> texts = new ArrayList<>();
        for (int i : toEmbed) {
            texts.addAll(vectors.missing(batch.get(i).chunks));
        }
        List<String> distinct = List.copyOf(new LinkedHashSet<>(texts));
        if (distinct.isEmpty()) {
            for (int i : toEmbed) {
                outcomes[i] = upsertOf(batch.get(i), vectors);
            }
            return outcomes;
        }
        try {
            vectors.computed(distinct, callModel(distinct));
            sent[0] += distinct.size();
        } catch (PermanentEmbeddingException refused) {
            if (toEmbed.size() == 1) {
                outcomes[toEmbed.get(0)] = refusal(batch.get(toEmbed.get(0)), refused);
                return outcomes;
            }
            for (int i : toEmbed) { // find the rows the model refuses, one by one
                PendingWrite write = batch.get(i);
                List<String> missing = vectors.missing(write.chunks);
                try {
                    if (!missing.isEmpty()) {
                        vectors.computed(missing, callModel(missing));
                        sent[0] += missing.size();
                    }
                    outcomes[i] = upsertOf(write, vectors);
                } catch (PermanentEmbeddingException e) {
                    outcomes[i] = refusal(write, e);
                }
            }
            return outcomes;
        }
        for (int i : toEmbed) {
            outcomes[i] = upsertOf(batch.get(i), vectors);
        }
        return outcomes;
    }

    private List<float[]> callModel(List<String> texts) throws EmbeddingException {
        List<float[]> vectors = model.embed(texts);
        if (vectors.size() != texts.size()) {
            throw new EmbeddingException(
                    "Model "
                            + model.id()
                            + " returned "
                            + vectors.size()
                            + " vectors for "
                            + texts.size()
                            + " texts");
        }
        return vectors;
    }

    /**
     * Marks rows whose text the sink already stores (same hash) as metadata writes; returns the
     * rows it asked about that have no stored vectors at all (nothing of theirs to reuse).
     */
    private Set<Integer> lookUpStoredHashes(List<PendingWrite> batch, BatchOutcome[] outcomes)
            throws Exception {
        Set<Integer> notStored = new HashSet<>();
        Map<String, Map<String, Integer>> byTable = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            PendingWrite write = batch.get(i);
            if (write.needsLookup && lookup != null) {
                byTable.computeIfAbsent(write.change.sourceTable(), t -> new LinkedHashMap<>())
                        .put(write.change.id(), i);
            }
        }
        for (Map.Entry<String, Map<String, Integer>> table : byTable.entrySet()) {
            Map<String, String> stored;
            lookupLock.lock(); // the lookup is called from one thread at a time
            try {
                stored = lookup.contentHashes(table.getKey(), table.getValue().keySet());
            } finally {
                lookupLock.unlock();
            }
            for (Map.Entry<String, Integer> row : table.getValue().entrySet()) {
                PendingWrite write = batch.get(row.getValue());
                String hash = stored.get(row.getKey());
                if (hash == null) {
                    notStored.add(row.getValue());
                } else if (write.hash.equals(hash)) {
                    outcomes[row.getValue()] =
                            new BatchOutcome.Written(EmbeddingOperator.metadataOf(write.change));
                }
            }
        }
        return notStored;
    }

    private static BatchOutcome upsertOf(PendingWrite write, ChunkVectors vectors) {
        List<VectorWrite.Chunk> chunks = new ArrayList<>(write.chunks.size());
        for (int c = 0; c < write.chunks.size(); c++) {
            String content = write.chunks.get(c);
            chunks.add(new VectorWrite.Chunk(c, content, vectors.of(content)));
        }
        DocumentChange change = write.change;
        return new BatchOutcome.Written(
                VectorWrite.upsert(
                        change.sourceTable(),
                        change.id(),
                        chunks,
                        write.hash,
                        change.metadataJson(),
                        change.lsn(),
                        change.commitTime()));
    }

    private static BatchOutcome refusal(PendingWrite write, EmbeddingException e) {
        return new BatchOutcome.Refused(
                DeadLetter.of(
                        write.change.sourceTable(),
                        write.change.id(),
                        write.change.lsn(),
                        e.getMessage(),
                        write.text,
                        Instant.now()));
    }

    /**
     * Stops the batch threads, then closes the model (a shared local session is released) and the
     * sink lookup (its connection would otherwise outlive a cancelled job).
     */
    @Override
    public void close() throws Exception {
        try {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } finally {
            try (AutoCloseable closeLookup = lookup == null ? () -> {} : lookup) {
                model.close();
            }
        }
    }
}
