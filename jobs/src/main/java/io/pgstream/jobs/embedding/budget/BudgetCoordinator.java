package io.pgstream.jobs.embedding.budget;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the job's {@link RateLimit} to the embedding operator's subtasks: one instance per job
 * on the JobManager, so N parallel subtasks share one budget instead of each spending its own.
 * Subtasks ask before every HTTP request; asks wait in one first-come queue across subtasks (a big
 * request is not overtaken forever by small ones) until the {@link PermitLedger} has room, and a
 * timer wakes the queue when finished requests leave the window.
 *
 * <p>All state is touched on the coordinator's own thread; Flink's callbacks only enqueue. When a
 * subtask attempt fails or the job resets, its asks are dropped and its requests in flight count as
 * finished now with their estimates. The budget is not checkpointed: it is about wall-clock
 * minutes, and the operator's held changes are re-issued after a restore anyway. A JobManager
 * failover starts with an empty window, which can let one window's worth through early.
 */
public final class BudgetCoordinator implements OperatorCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetCoordinator.class);

    private record Ask(int subtask, int attempt, long requestId, long tokens) {}

    private record Owner(int subtask, int attempt) {}

    private final String name;
    private final PermitLedger ledger;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Ask> queue = new ArrayDeque<>();
    private final Map<Long, Owner> owners = new HashMap<>();
    private final Map<Owner, SubtaskGateway> gateways = new HashMap<>();
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> wakeUp;
    private long nextGrant;

    BudgetCoordinator(String name, RateLimit limit, LongSupplier nanoClock) {
        this.name = name;
        this.ledger = new PermitLedger(limit);
        this.nanoClock = nanoClock;
    }

    @Override
    public void start() {
        thread =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "pgstream-budget-" + name);
                            t.setDaemon(true);
                            return t;
                        });
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    @Override
    public void handleEventFromOperator(int subtask, int attempt, OperatorEvent event) {
        run(
                () -> {
                    if (event instanceof PermitEvents.Ask ask) {
                        queue.addLast(new Ask(subtask, attempt, ask.requestId(), ask.tokens()));
                    } else if (event instanceof PermitEvents.Returned returned) {
                        owners.remove(returned.grantId());
                        ledger.finish(returned.grantId(), returned.tokens(), nanoClock.getAsLong());
                    } else {
                        LOG.warn("{}: unexpected event {}", name, event);
                    }
                    pump();
                });
    }

    @Override
    public void executionAttemptReady(int subtask, int attempt, SubtaskGateway gateway) {
        run(
                () -> {
                    gateways.put(new Owner(subtask, attempt), gateway);
                    pump();
                });
    }

    @Override
    public void executionAttemptFailed(int subtask, int attempt, Throwable reason) {
        run(() -> forget(o -> o.subtask() == subtask && o.attempt() == attempt));
    }

    @Override
    public void subtaskReset(int subtask, long checkpointId) {
        run(() -> forget(o -> o.subtask() == subtask));
    }

    @Override
    public void resetToCheckpoint(long checkpointId, byte[] checkpointData) {
        run(() -> forget(o -> true));
    }

    @Override
    public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        result.complete(new byte[0]);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {}

    private void run(Runnable action) {
        if (thread == null) {
            action.run(); // not started: no other thread yet
            return;
        }
        thread.execute(
                () -> {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.error("{}: budget coordinator failed an action", name, e);
                    }
                });
    }

    /**
     * Grants asks in arrival order while they fit, else sets the wake-up. An ask whose attempt's
     * gateway is not known yet (its ready call can arrive after its first ask) waits without
     * holding back the others.
     */
    private void pump() {
        for (Iterator<Ask> it = queue.iterator(); it.hasNext(); ) {
            Ask ask = it.next();
            Owner owner = new Owner(ask.subtask(), ask.attempt());
            SubtaskGateway gateway = gateways.get(owner);
            if (gateway == null) {
                continue;
            }
            long id = nextGrant;
            if (!ledger.tryGrant(id, ask.tokens(), nanoClock.getAsLong())) {
                scheduleWakeUp(ledger.earliestFit(ask.tokens(), nanoClock.getAsLong()));
                return;
            }
            nextGrant++;
            it.remove();
            owners.put(id, owner);
            try {
                gateway.sendEvent(new PermitEvents.Granted(ask.requestId(), id));
            } catch (RuntimeException e) { // the attempt is going away; Flink reports it failed
                LOG.debug("{}: cannot grant to subtask {}", name, ask.subtask(), e);
                owners.remove(id);
                ledger.finish(id, 0, nanoClock.getAsLong());
            }
        }
    }

    private void scheduleWakeUp(long atNanos) {
        if (wakeUp != null) {
            wakeUp.cancel(false);
            wakeUp = null;
        }
        if (atNanos == Long.MAX_VALUE) {
            return; // a request in flight must finish first; its return pumps
        }
        long delay = Math.max(0, atNanos - nanoClock.getAsLong());
        wakeUp = thread.schedule(() -> run(this::pump), delay, TimeUnit.NANOSECONDS);
    }

    private void forget(Predicate<Owner> gone) {
        queue.removeIf(a -> gone.test(new Owner(a.subtask(), a.attempt())));
        long now = nanoClock.getAsLong();
        for (Iterator<Map.Entry<Long, Owner>> it = owners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Owner> e = it.next();
            if (gone.test(e.getValue())) {
                ledger.finish(e.getKey(), -1, now);
                it.remove();
            }
        }
        gateways.keySet().removeIf(gone);
        pump();
    }

    /** Creates the coordinator on the JobManager (the provider travels in the job graph). */
    public static final class Provider implements OperatorCoordinator.Provider {
        private static final long serialVersionUID = 1L;

        private final OperatorID operatorId;
        private final String name;
        private final RateLimit limit;

        public Provider(OperatorID operatorId, String name, RateLimit limit) {
            this.operatorId = operatorId;
            this.name = name;
            this.limit = limit;
        }

        @Override
        public OperatorID getOperatorId() {
            return operatorId;
        }

        @Override
        public OperatorCoordinator create(Context context) {
            return new BudgetCoordinator(name, limit, System::nanoTime);
        }
    }
}
