package io.pgstream.connector.source.enumerator;

import io.pgstream.connector.source.split.PostgresSplit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each replication split (one slot) to exactly one reader.
 *
 * <p>On a fresh start it runs {@link SplitDiscovery} asynchronously (slot setup is network I/O),
 * then assigns split {@code i} of the slot-name-sorted list to subtask {@code i % parallelism}, so
 * the same slot lands on the same subtask run after run. Splits come back through {@link
 * #addSplitsBack} when a reader fails before its first checkpoint; after a checkpoint they are in
 * that reader's state instead, and the enumerator remembers them as assigned.
 */
public final class PostgresSourceEnumerator
        implements SplitEnumerator<PostgresSplit, PostgresEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceEnumerator.class);

    private final SplitEnumeratorContext<PostgresSplit> context;
    private final SplitDiscovery discovery;
    private final List<PostgresSplit> pending;
    private final Set<String> assignedSlots;
    private boolean discovered;

    public PostgresSourceEnumerator(
            SplitEnumeratorContext<PostgresSplit> context,
            SplitDiscovery discovery,
            PostgresEnumeratorState restored) {
        this.context = context;
        this.discovery = discovery;
        this.pending = new ArrayList<>(restored.pending());
        this.assignedSlots = new LinkedHashSet<>(restored.assignedSlots());
        this.discovered = restored.discovered();
    }

    @Override
    public void start() {
        if (discovered) {
            assignPending();
            return;
        }
        context.callAsync(
                discovery::discover,
                (splits, error) -> {
                    if (error != null) {
                        throw new FlinkRuntimeException(
                                "pgstream could not prepare replication: " + error.getMessage(),
                                error);
                    }
                    discovered = true;
                    for (PostgresSplit split : splits) {
                        if (!assignedSlots.contains(split.slotName())) {
                            pending.add(split);
                        }
                    }
                    pending.sort((a, b) -> a.slotName().compareTo(b.slotName()));
                    LOG.info("Replication splits ready: {}", pending);
                    assignPending();
                });
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed on registration; readers never need to ask.
    }

    @Override
    public void addSplitsBack(List<PostgresSplit> splits, int subtaskId) {
        for (PostgresSplit split : splits) {
            assignedSlots.remove(split.slotName());
            pending.add(split);
        }
        pending.sort((a, b) -> a.slotName().compareTo(b.slotName()));
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    private void assignPending() {
        if (!discovered) {
            return;
        }
        int parallelism = context.currentParallelism();
        Set<Integer> registered = context.registeredReaders().keySet();
        Iterator<PostgresSplit> it = pending.iterator();
        int index = 0;
        while (it.hasNext()) {
            PostgresSplit split = it.next();
            int owner = ownerOf(split, index++, parallelism);
            if (registered.contains(owner)) {
                context.assignSplit(split, owner);
                assignedSlots.add(split.slotName());
                it.remove();
            }
        }
        // Splits are fixed once discovered: a reader that has what it will ever get is told so,
        // which lets a bounded job finish.
        for (int reader : registered) {
            boolean waiting = false;
            int i = 0;
            for (PostgresSplit split : pending) {
                waiting |= ownerOf(split, i++, parallelism) == reader;
            }
            if (!waiting) {
                context.signalNoMoreSplits(reader);
            }
        }
    }

    /**
     * The subtask that reads a split: by the slot's position among all slots of the job, so the
     * spread is even and stable. A split given back is re-placed by its position among pending
     * splits, which keeps it on a live reader.
     */
    private static int ownerOf(PostgresSplit split, int index, int parallelism) {
        return index % parallelism;
    }

    @Override
    public PostgresEnumeratorState snapshotState(long checkpointId) {
        return new PostgresEnumeratorState(discovered, pending, assignedSlots);
    }

    @Override
    public void close() {}
}
