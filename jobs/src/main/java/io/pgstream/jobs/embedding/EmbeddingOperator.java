package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.VectorWrite;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Turns {@link DocumentChange}s into {@link VectorWrite}s, calling the {@link EmbeddingModel} in
 * micro-batches off the task thread. Runs on a stream keyed by {@link RoutedChange#KEY} (see {@link
 * EmbeddingStage}).
 *
 * <p><b>Order.</b> Every input takes a place in one FIFO queue the moment it arrives, and writes
 * leave the operator only from the head of that queue: a ready write (delete, metadata refresh,
 * dead letter, truncate) waits behind every earlier upsert still being embedded, and a batch that
 * completes early waits for the batches before it. Output order is therefore input order, which is
 * the row's commit order, so an update never overtakes an earlier change of its key, whatever order
 * the model answers in. The only exception is the collapse below, which replaces a change by a
 * newer change of the same key in the earlier change's place.
 *
 * <p><b>Batching.</b> Upserts collect in an open batch until it holds {@code batch-size} texts
 * (chunks) or its first change waited {@code max-linger} (a processing-time timer); then the batch
 * is sealed and handed to a bounded executor owned by this operator ({@code max-in-flight-batches}
 * threads). Results come back through the task's mailbox, so all state is touched by the task
 * thread only, without locks.
 *
 * <p><b>Collapse.</b> While an upsert of a key is in the open batch (not yet sent to the model), a
 * newer change of that key replaces it in place: a newer text is embedded instead of the old one, a
 * text-unknown upsert (unchanged TOAST) keeps the pending text with the newer metadata, and a
 * delete turns it into a delete. Only the newest text reaches the model.
 *
 * <p><b>Skipping unchanged texts.</b> The content hash (hex SHA-256 of the text) last written for
 * each key is kept in keyed state with the change's LSN. An upsert whose hash equals it becomes a
 * {@link VectorWrite.Kind#METADATA} write without a model call, as does every text-unknown upsert.
 * When the state has no entry (first sight of a key, e.g. after the state was lost), the batch
 * thread asks the sink's {@link ContentHashLookup} (one call per source table and batch) before
 * embedding. A delete leaves a tombstone (empty hash), so a re-insert is embedded without asking
 * the sink, whose buffered delete may not be visible yet; for the same reason rows of a table
 * truncated by this job are never looked up, and entries older than the truncate count as absent.
 * Skipped and computed embeddings are counted ({@code embeddingsSkipped}, {@code
 * embeddingsComputed}).
 *
 * <p><b>Bounds and backpressure.</b> At most {@code max-buffered-rows} changes are held and at most
 * {@code max-in-flight-batches} model calls run. When either is reached the task thread yields to
 * the mailbox (running completions) instead of taking more input, which back-pressures upstream.
 *
 * <p><b>Checkpoints.</b> {@link #prepareSnapshotPreBarrier} seals the open batch and waits
 * (yielding to the mailbox) until every held change was emitted, so no in-flight element needs to
 * be in state and the sink's flush on the same checkpoint covers everything before the barrier. End
 * of input does the same. Keyed state holds the hashes; operator state holds the truncate LSNs per
 * table.
 *
 * <p><b>TRUNCATE.</b> Each subtask receives its own copy ({@link TruncateFanout}); it drains
 * everything before it, records the LSN and emits {@link VectorWrite#truncate}.
 *
 * <p><b>Failures.</b> A {@link PermanentEmbeddingException} (the batch is retried text by text to
 * find the culprits), or a text longer than {@code max-text-chars} with chunking off, sends the row
 * to {@link #DEAD_LETTERS} and the job continues. Any other failure fails the task: Flink restarts
 * from the last checkpoint, and since nothing after that checkpoint was acknowledged, nothing is
 * lost.
 */
public final class EmbeddingOperator extends AbstractStreamOperator<VectorWrite>
        implements OneInputStreamOperator<RoutedChange, VectorWrite>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** Rows the model refused for good. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("embedding-dead-letters", TypeInformation.of(DeadLetter.class));

    /** Hash of a key known to have no vectors (deleted, refused): never equal to a real hash. */
    private static final String TOMBSTONE = "";

    private final EmbeddingModel.Factory modelFactory;
    private final ContentHashLookup.Factory lookupFactory;
    private final EmbeddingOperatorConfig config;

    private transient EmbeddingModel model;
    private transient ContentHashLookup lookup;
    private transient ReentrantLock lookupLock;
    private transient ThreadPoolExecutor executor;
    private transient MailboxExecutor mailbox;

    private transient ValueState<Tuple2<String, Long>> hashes;
    private transient ListState<Tuple2<String, Long>> truncatesState;
    private transient Map<String, Long> truncatedAt;

    private transient ArrayDeque<PendingWrite> queue;
    private transient List<PendingWrite> openBatch;
    private transient Map<String, PendingWrite> openByKey;
    private transient int openTexts;
    private transient long openBatchSeq;
    private transient int inFlightBatches;
    private transient Exception failure;

    private transient Counter skipped;
    private transient Counter computed;
    private transient Counter collapsed;
    private transient Counter deadLetters;
    private transient Counter modelCalls;
    private transient Counter textsEmbedded;
    private transient volatile long lastBatchMillis;
    private transient volatile int lastBatchTexts;

    /**
     * @param lookupFactory the sink's stored hashes; null to never look up (a missing hash then
     *     always means "embed")
     */
    public EmbeddingOperator(
            EmbeddingModel.Factory modelFactory,
            ContentHashLookup.Factory lookupFactory,
            EmbeddingOperatorConfig config) {
        this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
        this.lookupFactory = lookupFactory;
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
        super.setMailboxExecutor(mailboxExecutor);
        this.mailbox = mailboxExecutor;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        TypeInformation<Tuple2<String, Long>> entryType = Types.TUPLE(Types.STRING, Types.LONG);
        hashes =
                context.getKeyedStateStore()
                        .getState(new ValueStateDescriptor<>("content-hash", entryType));
        // Every subtask sees every truncate, so a union of all subtasks' lists is right after
        // rescaling too: the highest LSN per table wins.
        truncatesState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("truncated-at", entryType));
        truncatedAt = new HashMap<>();
        for (Tuple2<String, Long> t : truncatesState.get()) {
            truncatedAt.merge(t.f0, t.f1, Math::max);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (mailbox == null) {
            mailbox =
                    getContainingTask()
                            .getMailboxExecutorFactory()
                            .createExecutor(getOperatorConfig().getChainIndex());
        }
        queue = new ArrayDeque<>();
        openBatch = new ArrayList<>();
        openByKey = new HashMap<>();
        lookupLock = new ReentrantLock();
        model = modelFactory.create();
        lookup = lookupFactory == null ? null : lookupFactory.open();
        int threads = config.maxInFlightBatches();
        AtomicInteger n = new AtomicInteger();
        String name = "embedding-" + getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        executor =
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
        MetricGroup metrics = getMetricGroup();
        skipped = metrics.counter("embeddingsSkipped");
        computed = metrics.counter("embeddingsComputed");
        collapsed = metrics.counter("embeddingsCollapsed");
        deadLetters = metrics.counter("deadLetters");
        modelCalls = metrics.counter("batchesEmbedded");
        textsEmbedded = metrics.counter("textsEmbedded");
        metrics.gauge("bufferedRows", () -> queue.size());
        metrics.gauge("inFlightBatches", () -> inFlightBatches);
        metrics.gauge("lastBatchTexts", () -> lastBatchTexts);
        metrics.gauge("lastBatchMillis", () -> lastBatchMillis);
    }

    @Override
    public void processElement(StreamRecord<RoutedChange> element) throws Exception {
        DocumentChange change = element.getValue().change();
        switch (change.kind()) {
            case TRUNCATE -> onTruncate(change);
            case DELETE -> onDelete(element.getValue().routingKey(), change);
            case UPSERT -> onUpsert(element.getValue().routingKey(), change);
            default -> throw new IllegalStateException("unknown change kind " + change.kind());
        }
    }

    private void onUpsert(String key, DocumentChange change) throws Exception {
        waitForRoom();
        PendingWrite open = openByKey.get(key);
        if (open != null) {
            collapseInto(open, change);
            return;
        }
        if (!change.textKnown()) {
            skipped.inc();
            enqueueReady(key, change, metadataOf(change));
            return;
        }
        String text = change.text();
        String hash = ContentHash.of(text);
        Tuple2<String, Long> known = hashes.value();
        boolean truncated = truncatedAt.containsKey(change.sourceTable());
        if (known != null && known.f1 < truncatedAt.getOrDefault(change.sourceTable(), -1L)) {
            known = null; // written before the table was truncated: gone
        }
        if (known != null && hash.equals(known.f0)) {
            skipped.inc();
            hashes.update(Tuple2.of(hash, change.lsn()));
            enqueueReady(key, change, metadataOf(change));
            return;
        }
        if (tooLong(text)) {
            hashes.update(Tuple2.of(TOMBSTONE, change.lsn()));
            enqueue(PendingWrite.rejected(key, change, tooLongLetter(change)));
            return;
        }
        hashes.update(Tuple2.of(hash, change.lsn()));
        boolean needsLookup = known == null && !truncated && lookup != null;
        PendingWrite write =
                PendingWrite.embedding(key, change, text, hash, chunksOf(text), needsLookup);
        queue.add(write);
        addToOpenBatch(write);
    }

    /** A newer change of a key whose upsert is still in the open batch takes its place. */
    private void collapseInto(PendingWrite open, DocumentChange change) throws Exception {
        collapsed.inc();
        if (!change.textKnown()) {
            open.change =
                    DocumentChange.upsert(
                            change.sourceTable(),
                            change.id(),
                            open.text,
                            change.metadataJson(),
                            change.lsn(),
                            change.commitTime());
            hashes.update(Tuple2.of(open.hash, change.lsn()));
            return;
        }
        String text = change.text();
        if (tooLong(text)) {
            removeFromOpenBatch(open);
            hashes.update(Tuple2.of(TOMBSTONE, change.lsn()));
            open.change = change;
            open.reject(tooLongLetter(change));
            deadLetters.inc();
            drainHead();
            return;
        }
        openTexts -= open.chunks.size();
        open.change = change;
        open.text = text;
        open.hash = ContentHash.of(text);
        open.chunks = chunksOf(text);
        openTexts += open.chunks.size();
        hashes.update(Tuple2.of(open.hash, change.lsn()));
        if (openTexts >= config.batchSize()) {
            seal();
        }
    }

    private void onDelete(String key, DocumentChange change) throws Exception {
        waitForRoom();
        hashes.update(Tuple2.of(TOMBSTONE, change.lsn()));
        VectorWrite delete =
                VectorWrite.delete(
                        change.sourceTable(), change.id(), change.lsn(), change.commitTime());
        PendingWrite open = openByKey.get(key);
        if (open != null) {
            collapsed.inc();
            removeFromOpenBatch(open);
            open.change = change;
            open.complete(delete);
            drainHead();
            return;
        }
        enqueueReady(key, change, delete);
    }

    private void onTruncate(DocumentChange change) throws Exception {
        drainAll();
        truncatedAt.merge(change.sourceTable(), change.lsn(), Math::max);
        output.collect(
                new StreamRecord<>(
                        VectorWrite.truncate(
                                change.sourceTable(), change.lsn(), change.commitTime())));
    }

    private void addToOpenBatch(PendingWrite write) throws Exception {
        if (openBatch.isEmpty()) {
            long seq = openBatchSeq;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(now + config.maxLinger().toMillis(), t -> onLinger(seq));
        }
        openBatch.add(write);
        openByKey.put(write.key, write);
        openTexts += write.chunks.size();
        if (openTexts >= config.batchSize()) {
            seal();
        }
    }

    private void removeFromOpenBatch(PendingWrite write) {
        openBatch.remove(write);
        openByKey.remove(write.key);
        openTexts -= write.chunks.size();
    }

    private void onLinger(long seq) throws Exception {
        if (seq == openBatchSeq) {
            seal();
        }
    }

    /** Sends the open batch to the model (waiting for a free slot), if it holds anything. */
    private void seal() throws Exception {
        openBatchSeq++;
        if (openBatch.isEmpty()) {
            return;
        }
        List<PendingWrite> batch = openBatch;
        openBatch = new ArrayList<>();
        openByKey.clear();
        openTexts = 0;
        while (inFlightBatches >= config.maxInFlightBatches()) {
            yieldToMailbox();
        }
        inFlightBatches++;
        executor.execute(() -> runBatch(batch));
    }

    /** Blocks input (yielding to the mailbox) while the operator holds its maximum of changes. */
    private void waitForRoom() throws Exception {
        while (queue.size() >= config.maxBufferedRows()) {
            seal(); // the head may sit in the open batch: send it, or nothing would complete
            yieldToMailbox();
        }
    }

    /** Seals the open batch and waits until every held change was emitted. */
    private void drainAll() throws Exception {
        seal();
        while (!queue.isEmpty()) {
            yieldToMailbox();
        }
    }

    /**
     * Runs one mail (a batch completion, a timer) on the task thread, waiting for one if needed.
     * After a failed batch nothing more can complete: rethrow its failure instead of waiting.
     */
    private void yieldToMailbox() throws Exception {
        if (failure != null) {
            throw failure;
        }
        mailbox.yield();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        drainAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        drainAll();
    }

    @Override
    public void finish() throws Exception {
        drainAll();
        super.finish();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Tuple2<String, Long>> entries = new ArrayList<>();
        truncatedAt.forEach((table, lsn) -> entries.add(Tuple2.of(table, lsn)));
        truncatesState.update(entries);
    }

    @Override
    public void close() throws Exception {
        try {
            if (executor != null) {
                executor.shutdownNow();
                executor.awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            try {
                if (lookup != null) {
                    lookup.close();
                }
            } finally {
                if (model != null) {
                    model.close();
                }
                super.close();
            }
        }
    }

    // ---- batch thread ----

    private void runBatch(List<PendingWrite> batch) {
        long started = System.nanoTime();
        Object[] outcomes;
        try {
            outcomes = compute(batch);
        } catch (Throwable t) {
            mailbox.execute(
                    () -> {
                        failure =
                                new EmbeddingException(
                                        "Embedding a batch of "
                                                + batch.size()
                                                + " rows failed (the job restarts from its last"
                                                + " checkpoint): "
                                                + t.getMessage(),
                                        t);
                        throw failure;
                    },
                    "embedding batch failed");
            return;
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        mailbox.execute(() -> complete(batch, outcomes, millis), "embedding batch completed");
    }

    /**
     * Per row of the batch: a {@link VectorWrite} (upsert, or metadata when the sink already holds
     * the text) or a {@link DeadLetter}. Runs on a batch thread.
     */
    private Object[] compute(List<PendingWrite> batch) throws Exception {
        Object[] outcomes = new Object[batch.size()];
        lookUpStoredHashes(batch, outcomes);
        List<Integer> toEmbed = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] == null) {
                toEmbed.add(i);
                texts.addAll(batch.get(i).chunks);
            }
        }
        if (texts.isEmpty()) {
            return outcomes;
        }
        List<float[]> vectors;
        try {
            vectors = callModel(texts);
        } catch (PermanentEmbeddingException refused) {
            if (toEmbed.size() == 1) {
                outcomes[toEmbed.get(0)] = deadLetter(batch.get(toEmbed.get(0)), refused);
                return outcomes;
            }
            for (int i : toEmbed) { // find the rows the model refuses, one by one
                PendingWrite write = batch.get(i);
                try {
                    outcomes[i] = upsertOf(write, callModel(write.chunks), 0);
                } catch (PermanentEmbeddingException e) {
                    outcomes[i] = deadLetter(write, e);
                }
            }
            return outcomes;
        }
        int offset = 0;
        for (int i : toEmbed) {
            PendingWrite write = batch.get(i);
            outcomes[i] = upsertOf(write, vectors, offset);
            offset += write.chunks.size();
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
        lastBatchTexts = texts.size();
        return vectors;
    }

    /** Marks rows whose text the sink already stores (same hash) as metadata writes. */
    private void lookUpStoredHashes(List<PendingWrite> batch, Object[] outcomes) throws Exception {
        Map<String, Map<String, Integer>> byTable = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            PendingWrite write = batch.get(i);
            if (write.needsLookup) {
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
                if (write.hash.equals(stored.get(row.getKey()))) {
                    outcomes[row.getValue()] = metadataOf(write.change);
                }
            }
        }
    }

    private static VectorWrite upsertOf(PendingWrite write, List<float[]> vectors, int offset) {
        List<VectorWrite.Chunk> chunks = new ArrayList<>(write.chunks.size());
        for (int c = 0; c < write.chunks.size(); c++) {
            chunks.add(new VectorWrite.Chunk(c, write.chunks.get(c), vectors.get(offset + c)));
        }
        DocumentChange change = write.change;
        return VectorWrite.upsert(
                change.sourceTable(),
                change.id(),
                chunks,
                write.hash,
                change.metadataJson(),
                change.lsn(),
                change.commitTime());
    }

    private static DeadLetter deadLetter(PendingWrite write, EmbeddingException e) {
        return DeadLetter.of(
                write.change.sourceTable(),
                write.change.id(),
                write.change.lsn(),
                e.getMessage(),
                write.text,
                Instant.now());
    }

    // ---- task thread: completion and emission ----

    private void complete(List<PendingWrite> batch, Object[] outcomes, long millis) {
        inFlightBatches--;
        lastBatchMillis = millis;
        Object savedKey = getCurrentKey();
        int embedded = 0;
        for (int i = 0; i < batch.size(); i++) {
            PendingWrite write = batch.get(i);
            Object outcome = outcomes[i];
            if (outcome instanceof DeadLetter letter) {
                deadLetters.inc();
                forgetHash(write);
                write.reject(letter);
            } else {
                VectorWrite result = (VectorWrite) outcome;
                if (result.kind() == VectorWrite.Kind.METADATA) {
                    skipped.inc();
                } else {
                    computed.inc();
                    embedded += write.chunks.size();
                }
                write.complete(result);
            }
        }
        if (embedded > 0) {
            modelCalls.inc();
            textsEmbedded.inc(embedded);
        }
        if (savedKey != null) {
            setCurrentKey(savedKey);
        }
        drainHead();
    }

    /** A refused row has no vectors for its text: the next upsert must embed again. */
    private void forgetHash(PendingWrite write) {
        try {
            setCurrentKey(write.key);
            Tuple2<String, Long> current = hashes.value();
            if (current != null && current.f1 <= write.change.lsn()) {
                hashes.update(Tuple2.of(TOMBSTONE, write.change.lsn()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot update the content hash of " + write.key, e);
        }
    }

    private void enqueueReady(String key, DocumentChange change, VectorWrite write) {
        enqueue(PendingWrite.ready(key, change, write));
    }

    private void enqueue(PendingWrite write) {
        if (write.deadLetter() != null && write.isDone()) {
            deadLetters.inc();
        }
        queue.add(write);
        drainHead();
    }

    /** Emits every finished write at the head of the queue, in input order. */
    private void drainHead() {
        while (!queue.isEmpty() && queue.peekFirst().isDone()) {
            PendingWrite head = queue.pollFirst();
            if (head.write() != null) {
                output.collect(new StreamRecord<>(head.write()));
            } else {
                output.collect(DEAD_LETTERS, new StreamRecord<>(head.deadLetter()));
            }
        }
    }

    // ---- helpers ----

    private List<String> chunksOf(String text) {
        return config.chunker() == null ? List.of(text) : config.chunker().split(text);
    }

    private boolean tooLong(String text) {
        return config.chunker() == null
                && config.maxTextChars() > 0
                && text.length() > config.maxTextChars();
    }

    private DeadLetter tooLongLetter(DocumentChange change) {
        return DeadLetter.of(
                change.sourceTable(),
                change.id(),
                change.lsn(),
                "text of "
                        + change.text().length()
                        + " characters is over embedding.max-text-chars="
                        + config.maxTextChars()
                        + "; enable chunking (embedding.chunking.max-chars in the job file) to"
                        + " embed long texts",
                change.text(),
                Instant.now());
    }

    private static VectorWrite metadataOf(DocumentChange change) {
        return VectorWrite.metadata(
                change.sourceTable(),
                change.id(),
                change.metadataJson(),
                change.lsn(),
                change.commitTime());
    }

    /** Changes held now (waiting, in flight, or waiting for an earlier one); for tests. */
    int bufferedRows() {
        return queue.size();
    }

    /** Model calls running now; for tests. */
    int inFlightBatches() {
        return inFlightBatches;
    }

    long skippedCount() {
        return skipped.getCount();
    }

    long computedCount() {
        return computed.getCount();
    }

    long collapsedCount() {
        return collapsed.getCount();
    }

    long deadLetterCount() {
        return deadLetters.getCount();
    }
}
