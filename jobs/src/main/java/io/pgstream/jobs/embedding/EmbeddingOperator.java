package io.pgstream.jobs.embedding;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.embedding.budget.BudgetClient;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.VectorWrite;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.apache.flink.runtime.jobgraph.tasks.TaskOperatorEventGateway;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.SerializedValue;

/**
 * Turns {@link DocumentChange}s into {@link VectorWrite}s in input order, on a stream keyed by
 * {@link RoutedChange#KEY} (see {@link EmbeddingStage}). This class is the task-thread half: the
 * queue that keeps input order, the collapse of changes of one key, the content-hash state, timers
 * and emission; {@link BatchEmbedder} is the batch-thread half (model calls, sink look-ups). They
 * are split so that all state is touched by the task thread only, without locks.
 *
 * <p><b>Eager send.</b> An upsert that arrives while no model call is in flight is sent at once,
 * alone: an idle model never makes a change wait for {@code max-linger}. While calls are in flight,
 * upserts collect in an open batch, which is sealed when it holds {@code batch-size} texts, when
 * its first change waited {@code max-linger}, or when the last call in flight answers. Batches
 * therefore form only under load, where they pay off.
 *
 * <p><b>Checkpoints</b> do not wait for model calls: the changes still held are kept in operator
 * state and re-issued, in order, after a restore; a content hash reaches keyed state only when its
 * write is emitted, so a re-issued change is not skipped as unchanged.
 *
 * <p><b>Rate limit.</b> Model calls take permits from the job's shared budget (a {@link
 * io.pgstream.jobs.embedding.budget.BudgetCoordinator} on the JobManager, reached through {@link
 * BudgetClient}) on the batch threads, by RPC; the task thread is not involved, so a checkpoint
 * never waits for a permit: batches waiting for one are held changes like any other.
 *
 * <p>The class is over 300 lines because queue order, collapse and hash staging share the same held
 * writes on the task thread; splitting them further would pass that state between classes.
 *
 * <p>The design (order, collapse, skipping unchanged texts, bounds, checkpoints, truncate,
 * failures) is described in {@code docs/embedding.md}.
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
    private final boolean coordinated;

    private transient BudgetClient budget;
    private transient BatchEmbedder embedder;
    private transient MailboxExecutor mailbox;

    private transient ValueState<Tuple2<String, Long>> hashes;
    private transient ListState<Tuple2<String, Long>> truncatesState;
    private transient Map<String, Lsn> truncatedAt;

    private transient ListState<RoutedChange> heldState;
    private transient List<RoutedChange> restoredHeld;
    private transient Map<String, Tuple2<String, Long>> staged;

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
        this.coordinated = false;
    }

    /**
     * As created by {@link EmbeddingOperatorFactory} in a job: set up by {@code parameters}, and
     * with a budget coordinator to ask.
     */
    EmbeddingOperator(
            StreamOperatorParameters<VectorWrite> parameters,
            EmbeddingModel.Factory modelFactory,
            ContentHashLookup.Factory lookupFactory,
            EmbeddingOperatorConfig config) {
        super(parameters);
        this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
        this.lookupFactory = lookupFactory;
        this.config = Objects.requireNonNull(config, "config");
        this.coordinated = true;
        this.mailbox = parameters.getMailboxExecutor();
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
            truncatedAt.merge(t.f0, new Lsn(t.f1), Lsn::max);
        }
        // Union, filtered by key group: after rescaling each held change goes to the subtask
        // owning its key, in the order its old subtask held it.
        heldState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "held-changes", TypeInformation.of(RoutedChange.class)));
        restoredHeld = new ArrayList<>();
        var task = getRuntimeContext().getTaskInfo();
        int keyGroups = task.getMaxNumberOfParallelSubtasks();
        KeyGroupRange range =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        keyGroups,
                        task.getNumberOfParallelSubtasks(),
                        task.getIndexOfThisSubtask());
        for (RoutedChange held : heldState.get()) {
            String key = RoutedChange.KEY.getKey(held);
            if (range.contains(KeyGroupRangeAssignment.assignToKeyGroup(key, keyGroups))) {
                restoredHeld.add(held);
            }
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
        staged = new HashMap<>();
        openBatch = new ArrayList<>();
        openByKey = new HashMap<>();
        String name = "embedding-" + getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
        MetricGroup metrics = getMetricGroup();
        var task = getRuntimeContext().getTaskInfo();
        budget =
                new BudgetClient(
                        config.rateLimit(),
                        coordinated ? coordinatorChannel() : null,
                        task.getIndexOfThisSubtask(),
                        task.getAttemptNumber(),
                        metrics,
                        config.pricePerMillionTokens());
        ContentHashLookup lookup = lookupFactory == null ? null : lookupFactory.open();
        embedder =
                new BatchEmbedder(
                        modelFactory.create(budget), lookup, config.maxInFlightBatches(), name);
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
        reissueRestored();
    }

    /** Requests to this operator's coordinator by RPC, callable from any thread. */
    private BudgetClient.Channel coordinatorChannel() {
        TaskOperatorEventGateway gateway =
                getContainingTask().getEnvironment().getOperatorCoordinatorEventGateway();
        var operatorId = getOperatorID();
        return request -> {
            try {
                return gateway.sendRequestToCoordinator(operatorId, new SerializedValue<>(request));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot serialize " + request, e);
            }
        };
    }

    /** Changes held at the restored checkpoint go first, in their order, before new input. */
    private void reissueRestored() throws Exception {
        List<RoutedChange> held = restoredHeld;
        restoredHeld = null;
        for (RoutedChange change : held) {
            setCurrentKey(RoutedChange.KEY.getKey(change));
            processElement(new StreamRecord<>(change));
        }
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
            collapseInto(key, open, change);
            return;
        }
        if (!change.textKnown()) {
            skipped.inc();
            enqueueReady(key, change, metadataOf(change), null);
            return;
        }
        String text = change.text();
        String hash = ContentHash.of(text);
        Tuple2<String, Long> known = knownHash(key);
        boolean truncated = truncatedAt.containsKey(change.sourceTable());
        Lsn truncate = truncatedAt.get(change.sourceTable());
        if (known != null && truncate != null && truncate.isAfter(new Lsn(known.f1))) {
            known = null; // written before the table was truncated: gone
        }
        if (known != null && hash.equals(known.f0)) {
            skipped.inc();
            enqueueReady(key, change, metadataOf(change), stage(key, hash, change.lsn()));
            return;
        }
        if (tooLong(text)) {
            PendingWrite rejected = PendingWrite.rejected(key, change, tooLongLetter(change));
            rejected.hashAfter = stage(key, TOMBSTONE, change.lsn());
            enqueue(rejected);
            return;
        }
        boolean needsLookup = known == null && !truncated && lookupFactory != null;
        PendingWrite write =
                PendingWrite.embedding(key, change, text, hash, chunksOf(text), needsLookup);
        write.hashAfter = stage(key, hash, change.lsn());
        queue.add(write);
        addToOpenBatch(write);
    }

    /** A newer change of a key whose upsert is still in the open batch takes its place. */
    private void collapseInto(String key, PendingWrite open, DocumentChange change)
            throws Exception {
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
            open.hashAfter = stage(key, open.hash, change.lsn());
            return;
        }
        String text = change.text();
        if (tooLong(text)) {
            removeFromOpenBatch(open);
            open.hashAfter = stage(key, TOMBSTONE, change.lsn());
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
        open.hashAfter = stage(key, open.hash, change.lsn());
        if (openTexts >= config.batchSize()) {
            seal();
        }
    }

    private void onDelete(String key, DocumentChange change) throws Exception {
        waitForRoom();
        Tuple2<String, Long> tombstone = stage(key, TOMBSTONE, change.lsn());
        VectorWrite delete =
                VectorWrite.delete(
                        change.sourceTable(), change.id(), change.lsn(), change.commitTime());
        PendingWrite open = openByKey.get(key);
        if (open != null) {
            collapsed.inc();
            removeFromOpenBatch(open);
            open.change = change;
            open.hashAfter = tombstone;
            open.complete(delete);
            drainHead();
            return;
        }
        enqueueReady(key, change, delete, tombstone);
    }

    private void onTruncate(DocumentChange change) throws Exception {
        drainAll();
        truncatedAt.merge(change.sourceTable(), change.lsn(), Lsn::max);
        output.collect(
                new StreamRecord<>(
                        VectorWrite.truncate(
                                change.sourceTable(), change.lsn(), change.commitTime())));
    }

    private void addToOpenBatch(PendingWrite write) throws Exception {
        if (openBatch.isEmpty() && inFlightBatches > 0) {
            long seq = openBatchSeq;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(now + config.maxLinger().toMillis(), t -> onLinger(seq));
        }
        openBatch.add(write);
        openByKey.put(write.key, write);
        openTexts += write.chunks.size();
        if (openTexts >= config.batchSize() || inFlightBatches == 0) {
            seal(); // full, or the model is idle: send without waiting for a linger
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
        embedder.submit(
                batch,
                result -> mailbox.execute(() -> complete(batch, result), "embedding batch done"),
                t -> mailbox.execute(() -> fail(batch, t), "embedding batch failed"));
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
        truncatedAt.forEach((table, lsn) -> entries.add(Tuple2.of(table, lsn.value())));
        truncatesState.update(entries);
        List<RoutedChange> held = new ArrayList<>(queue.size());
        for (PendingWrite write : queue) {
            held.add(RoutedChange.row(write.change));
        }
        heldState.update(held);
    }

    @Override
    public void close() throws Exception {
        try {
            if (embedder != null) {
                embedder.close();
            }
        } finally {
            super.close();
        }
    }

    // ---- task thread: completion and emission ----

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

    private void complete(List<PendingWrite> batch, BatchEmbedder.Result result) throws Exception {
        inFlightBatches--;
        lastBatchMillis = result.millis();
        Object savedKey = getCurrentKey();
        for (int i = 0; i < batch.size(); i++) {
            PendingWrite write = batch.get(i);
            BatchOutcome outcome = result.outcomes().get(i);
            if (outcome instanceof BatchOutcome.Refused refused) {
                deadLetters.inc();
                forgetHash(write);
                write.reject(refused.letter());
            } else if (outcome instanceof BatchOutcome.Written written) {
                if (written.write().kind() == VectorWrite.Kind.METADATA) {
                    skipped.inc();
                } else {
                    computed.inc();
                }
                write.complete(written.write());
            }
        }
        if (result.textsEmbedded() > 0) {
            modelCalls.inc();
            textsEmbedded.inc(result.textsEmbedded());
            lastBatchTexts = result.textsEmbedded();
        }
        if (savedKey != null) {
            setCurrentKey(savedKey);
        }
        drainHead();
        if (inFlightBatches == 0) {
            seal(); // the model is idle: what collected meanwhile goes now
        }
    }

    /** A refused row has no vectors for its text: the next upsert must embed again. */
    private void forgetHash(PendingWrite write) {
        Tuple2<String, Long> tombstone = Tuple2.of(TOMBSTONE, write.change.lsn().value());
        if (Objects.equals(staged.get(write.key), write.hashAfter)) {
            staged.put(write.key, tombstone);
        }
        write.hashAfter = tombstone;
    }

    /**
     * The hash entry of the key: the newest one staged by a held change, else the one in keyed
     * state, which holds only what was emitted (see {@link #drainHead}).
     */
    private Tuple2<String, Long> knownHash(String key) throws Exception {
        Tuple2<String, Long> entry = staged.get(key);
        return entry != null ? entry : hashes.value();
    }

    private Tuple2<String, Long> stage(String key, String hash, Lsn lsn) {
        Tuple2<String, Long> entry = Tuple2.of(hash, lsn.value());
        staged.put(key, entry);
        return entry;
    }

    private void enqueueReady(
            String key, DocumentChange change, VectorWrite write, Tuple2<String, Long> hash) {
        PendingWrite ready = PendingWrite.ready(key, change, write);
        ready.hashAfter = hash;
        enqueue(ready);
    }

    private void enqueue(PendingWrite write) {
        if (write.deadLetter() != null && write.isDone()) {
            deadLetters.inc();
        }
        queue.add(write);
        drainHead();
    }

    /**
     * Emits every finished write at the head of the queue, in input order, and only then moves its
     * content hash into keyed state: a held change, which a checkpoint keeps in operator state and
     * re-issues after a restore, must not find its own hash there and be skipped as unchanged.
     */
    private void drainHead() {
        Object savedKey = null;
        boolean keyChanged = false;
        while (!queue.isEmpty() && queue.peekFirst().isDone()) {
            PendingWrite head = queue.pollFirst();
            if (head.write() != null) {
                output.collect(new StreamRecord<>(head.write()));
            } else {
                output.collect(DEAD_LETTERS, new StreamRecord<>(head.deadLetter()));
            }
            if (head.hashAfter != null) {
                if (!keyChanged) {
                    savedKey = getCurrentKey();
                    keyChanged = true;
                }
                setCurrentKey(head.key);
                try {
                    hashes.update(head.hashAfter);
                } catch (Exception e) {
                    throw new IllegalStateException(
                            "cannot store the content hash of " + head.key, e);
                }
                staged.remove(head.key, head.hashAfter);
            }
        }
        if (keyChanged && savedKey != null) {
            setCurrentKey(savedKey);
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

    static VectorWrite metadataOf(DocumentChange change) {
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
