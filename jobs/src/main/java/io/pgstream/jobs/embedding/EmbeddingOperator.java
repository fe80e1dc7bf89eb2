package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.embedding.budget.BudgetClient;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.DeadLetterChange;
import io.pgstream.jobs.sink.VectorWrite;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Turns {@link DocumentChange}s into {@link VectorWrite}s in input order, on a stream keyed by
 * {@link RoutedChange#KEY} (see {@link EmbeddingStage}). This is the mailbox half: it decides per
 * change (skip as unchanged, collapse into the open batch, refuse, embed), bounds what it holds,
 * and keeps held changes across checkpoints; {@link BatchSender} forms batches, {@link
 * BatchEmbedder} runs them on its own threads and hands back {@link BatchOutcome}s through the
 * mailbox, {@link OrderedOutput} emits in input order and {@link ContentHashes} knows what is
 * unchanged. All state is touched by the task thread only, without locks.
 *
 * <p>It is over 300 lines because those decisions share the held writes and the per-key hash
 * staging, and Flink's operator lifecycle (state, open, drain, snapshot) lands here. The design
 * (order, eager send, collapse, skipping unchanged texts, bounds, checkpoints, truncate, rate
 * limit, failures) is described in {@code docs/embedding.md}.
 */
public final class EmbeddingOperator extends AbstractStreamOperator<VectorWrite>
        implements OneInputStreamOperator<RoutedChange, VectorWrite>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** Rows the model refused for good, and refused rows since written ({@link RefusedMarks}). */
    public static final OutputTag<DeadLetterChange> DEAD_LETTERS =
            new OutputTag<>("embedding-dead-letters", TypeInformation.of(DeadLetterChange.class));

    private final EmbeddingModel.Factory modelFactory;
    private final ContentHashLookup.Factory lookupFactory;
    private final EmbeddingOperatorConfig config;
    private final boolean coordinated;

    private transient MailboxExecutor mailbox;
    private transient BatchSender sender;
    private transient TextLimits limits;
    private transient String modelId; // part of every content hash

    private transient ContentHashes hashes;
    private transient RefusedMarks marks;
    private transient HeldChanges heldState;
    private transient List<RoutedChange> restoredHeld;

    private transient OrderedOutput queue;
    private transient EmbeddingMetrics metrics;

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
        hashes = ContentHashes.restore(context);
        marks = RefusedMarks.register(context);
        heldState = HeldChanges.register(context);
        restoredHeld = heldState.restoredFor(getRuntimeContext().getTaskInfo());
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
        queue = new OrderedOutput(output, this, hashes, marks);
        limits = new TextLimits(config.chunker(), config.maxTextChars());
        var task = getRuntimeContext().getTaskInfo();
        String name = "embedding-" + task.getTaskNameWithSubtasks();
        MetricGroup group = getMetricGroup();
        BudgetClient budget =
                new BudgetClient(
                        config.rateLimit(),
                        coordinated
                                ? new CoordinatorChannel(
                                        getContainingTask()
                                                .getEnvironment()
                                                .getOperatorCoordinatorEventGateway(),
                                        getOperatorID())
                                : null,
                        task.getIndexOfThisSubtask(),
                        task.getAttemptNumber(),
                        group,
                        config.pricePerMillionTokens());
        ContentHashLookup lookup = lookupFactory == null ? null : lookupFactory.open();
        EmbeddingModel model = modelFactory.create(budget);
        modelId = model.id();
        var embedder = new BatchEmbedder(model, lookup, config.maxInFlightBatches(), name);
        sender =
                new BatchSender(
                        embedder, mailbox, getProcessingTimeService(), config, this::complete);
        metrics = new EmbeddingMetrics(group, () -> queue.size(), () -> sender.inFlight());
        reissueRestored();
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
        PendingWrite open = sender.open().get(key);
        DeadLetter refusal = limits.refusal(change);
        if (open != null) {
            collapseInto(key, open, change, refusal);
            return;
        }
        if (refusal != null) {
            PendingWrite rejected = PendingWrite.rejected(key, change, refusal);
            rejected.hashAfter = hashes.stage(key, ContentHashes.TOMBSTONE, change.lsn());
            enqueue(rejected);
            return;
        }
        if (!change.textKnown()) {
            metrics.skipped.inc();
            enqueueReady(key, change, metadataOf(change), null);
            return;
        }
        String text = change.text();
        String hash = ContentHash.of(modelId, text);
        Tuple2<String, Long> known = hashes.known(key, change.sourceTable());
        if (known != null && hash.equals(known.f0)) {
            metrics.skipped.inc();
            enqueueReady(key, change, metadataOf(change), hashes.stage(key, hash, change.lsn()));
            return;
        }
        boolean needsLookup =
                known == null && !hashes.truncated(change.sourceTable()) && lookupFactory != null;
        PendingWrite write =
                PendingWrite.embedding(key, change, text, hash, limits.chunksOf(text), needsLookup);
        write.hashAfter = hashes.stage(key, hash, change.lsn());
        queue.add(write);
        sender.add(write);
    }

    /** A newer change of a key whose upsert is still in the open batch takes its place. */
    private void collapseInto(
            String key, PendingWrite open, DocumentChange change, DeadLetter refusal)
            throws Exception {
        metrics.collapsed.inc();
        if (refusal != null) {
            sender.open().remove(open);
            open.hashAfter = hashes.stage(key, ContentHashes.TOMBSTONE, change.lsn());
            open.change = change;
            open.reject(refusal);
            metrics.deadLetters.inc();
            queue.emitReady();
            return;
        }
        if (!change.textKnown()) {
            open.change =
                    DocumentChange.upsert(
                            change.sourceTable(),
                            change.id(),
                            open.text,
                            change.metadataJson(),
                            change.lsn(),
                            change.commitTime(),
                            change.keptMetadata());
            open.hashAfter = hashes.stage(key, open.hash, change.lsn());
            return;
        }
        String text = change.text();
        open.change = change;
        open.text = text;
        open.hash = ContentHash.of(modelId, text);
        sender.open().rechunk(open, limits.chunksOf(text));
        open.hashAfter = hashes.stage(key, open.hash, change.lsn());
        sender.sealIfFull();
    }

    private void onDelete(String key, DocumentChange change) throws Exception {
        waitForRoom();
        Tuple2<String, Long> tombstone = hashes.stage(key, ContentHashes.TOMBSTONE, change.lsn());
        VectorWrite delete =
                VectorWrite.delete(
                        change.sourceTable(), change.id(), change.lsn(), change.commitTime());
        PendingWrite open = sender.open().get(key);
        if (open != null) {
            metrics.collapsed.inc();
            sender.open().remove(open);
            open.change = change;
            open.hashAfter = tombstone;
            open.complete(delete);
            queue.emitReady();
            return;
        }
        enqueueReady(key, change, delete, tombstone);
    }

    private void onTruncate(DocumentChange change) throws Exception {
        drainAll();
        hashes.truncate(change.sourceTable(), change.lsn());
        output.collect(
                new StreamRecord<>(
                        VectorWrite.truncate(
                                change.sourceTable(), change.lsn(), change.commitTime())));
    }

    /** Blocks input (yielding to the mailbox) while the operator holds its maximum of changes. */
    private void waitForRoom() throws Exception {
        while (queue.size() >= config.maxBufferedRows()) {
            sender.seal(); // the head may sit in the open batch: send it, or nothing would complete
            sender.yieldToMailbox();
        }
    }

    /** Seals the open batch and waits until every held change was emitted. */
    private void drainAll() throws Exception {
        sender.seal();
        while (!queue.isEmpty()) {
            sender.yieldToMailbox();
        }
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
        hashes.snapshot();
        heldState.snapshot(queue.held());
    }

    @Override
    public void close() throws Exception {
        try {
            if (sender != null) {
                sender.close();
            }
        } finally {
            super.close();
        }
    }

    /** Applies a finished batch's outcomes and emits what became ready, in order. */
    private void complete(List<PendingWrite> batch, BatchEmbedder.Result result) {
        for (int i = 0; i < batch.size(); i++) {
            PendingWrite write = batch.get(i);
            BatchOutcome outcome = result.outcomes().get(i);
            if (outcome instanceof BatchOutcome.Refused refused) {
                metrics.deadLetters.inc();
                hashes.forget(write);
                write.reject(refused.letter());
            } else if (outcome instanceof BatchOutcome.Written written) {
                if (written.write().kind() == VectorWrite.Kind.METADATA) {
                    metrics.skipped.inc();
                } else {
                    metrics.computed.inc();
                }
                write.complete(written.write());
            }
        }
        metrics.batchDone(result);
        queue.emitReady();
    }

    private void enqueueReady(
            String key, DocumentChange change, VectorWrite write, Tuple2<String, Long> hash) {
        PendingWrite ready = PendingWrite.ready(key, change, write);
        ready.hashAfter = hash;
        enqueue(ready);
    }

    private void enqueue(PendingWrite write) {
        if (write.deadLetter() != null && write.isDone()) {
            metrics.deadLetters.inc();
        }
        queue.add(write);
        queue.emitReady();
    }

    static VectorWrite metadataOf(DocumentChange change) {
        return VectorWrite.metadata(
                change.sourceTable(),
                change.id(),
                change.metadataJson(),
                change.lsn(),
                change.commitTime(),
                change.keptMetadata());
    }

    /** Changes held now (waiting, in flight, or waiting for an earlier one); for tests. */
    int bufferedRows() {
        return queue.size();
    }

    /** Model calls running now; for tests. */
    int inFlightBatches() {
        return sender.inFlight();
    }

    long skippedCount() {
        return metrics.skipped.getCount();
    }

    long computedCount() {
        return metrics.computed.getCount();
    }

    long collapsedCount() {
        return metrics.collapsed.getCount();
    }

    long deadLetterCount() {
        return metrics.deadLetters.getCount();
    }
}
