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
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationRequestHandler;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the job's {@link RateLimit} to the embedding operator's subtasks: one instance per job
 * on the JobManager, so N parallel subtasks share one budget instead of each spending its own.
 * Subtasks ask before every HTTP request; asks wait in one first-come queue across subtasks (a big
 * request is not overtaken forever by small ones) until the {@link PermitLedger} has room, and a
 * timer wakes the queue when finished requests leave the window. Token estimates are scaled by one
 * {@link TokenEstimator} for the job, learned from the counts the provider reports; with a token
 * limit, requests go one at a time until the first count arrives, so the first window is not
 * overrun by unscaled guesses.
 *
 * <p>Asks and returns arrive as coordination requests (answered by futures), sent by the subtasks'
 * model-call threads; a long wait is cut into polls of a few seconds, each answered "still
 * waiting", so that no RPC outlives Flink's ask timeout. All state is touched on the coordinator's
 * own thread; Flink's callbacks only enqueue. When a subtask attempt fails or the job resets, its
 * asks are dropped and its requests in flight count as finished now with their estimates. The
 * budget is not checkpointed: it is about wall-clock minutes, and the operator's held changes are
 * re-issued after a restore anyway. A JobManager failover starts with an empty window, which can
 * let one window's worth through early.
 */
public final class BudgetCoordinator implements OperatorCoordinator, CoordinationRequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetCoordinator.class);

    /** How long an ask's RPC waits at most before it is told to ask again. */
    static final long POLL_NANOS = TimeUnit.SECONDS.toNanos(3);

    private record Key(int subtask, int attempt, long requestId) {
        Owner owner() {
            return new Owner(subtask, attempt);
        }
    }

    private record Owner(int subtask, int attempt) {}

    private record Grant(Owner owner, long raw) {}

    /** An ask in the queue: the future of its pending RPC, null between two polls. */
    private static final class Waiting {
        final Key key;
        final long tokens;
        CompletableFuture<CoordinationResponse> answer;

        Waiting(Key key, long tokens) {
            this.key = key;
            this.tokens = tokens;
        }
    }

    private final String name;
    private final PermitLedger ledger;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private final Map<Key, Waiting> waiting = new HashMap<>();
    private final Map<Key, Long> grantedUnseen = new HashMap<>();
    private final Map<Long, Grant> owners = new HashMap<>();
    private final TokenEstimator estimator = new TokenEstimator();
    private final boolean limitsTokens;
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> wakeUp;
    private long nextGrant;

    BudgetCoordinator(String name, RateLimit limit, LongSupplier nanoClock) {
        this.name = name;
        this.ledger = new PermitLedger(limit);
        this.limitsTokens = limit.tokens() > 0;
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
    public CompletableFuture<CoordinationResponse> handleCoordinationRequest(
            CoordinationRequest request) {
        CompletableFuture<CoordinationResponse> answer = new CompletableFuture<>();
        run(
                () -> {
                    if (request instanceof PermitEvents.Ask ask) {
                        onAsk(ask, answer);
                    } else if (request instanceof PermitEvents.Returned returned) {
                        Grant g = owners.remove(returned.grantId());
                        if (g != null) {
                            estimator.observe(g.raw(), returned.tokens());
                        }
                        ledger.finish(returned.grantId(), returned.tokens(), nanoClock.getAsLong());
                        answer.complete(new PermitEvents.Noted());
                        pump();
                    } else {
                        answer.completeExceptionally(
                                new IllegalArgumentException("unexpected request " + request));
                    }
                });
        return answer;
    }

    private void onAsk(PermitEvents.Ask ask, CompletableFuture<CoordinationResponse> answer) {
        Key key = new Key(ask.subtask(), ask.attempt(), ask.requestId());
        Long granted = grantedUnseen.remove(key);
        if (granted != null) {
            answer.complete(new PermitEvents.Granted(granted));
            return;
        }
        Waiting w = waiting.get(key);
        if (w == null) {
            w = new Waiting(key, ask.tokens());
            waiting.put(key, w);
            queue.addLast(w);
        } else if (w.answer != null) {
            w.answer.complete(new PermitEvents.StillWaiting());
        }
        w.answer = answer;
        Waiting polled = w;
        thread.schedule(
                () ->
                        run(
                                () -> {
                                    if (polled.answer == answer
                                            && answer.complete(new PermitEvents.StillWaiting())) {
                                        polled.answer = null;
                                    }
                                }),
                POLL_NANOS,
                TimeUnit.NANOSECONDS);
        pump();
    }

    @Override
    public void executionAttemptReady(int subtask, int attempt, SubtaskGateway gateway) {}

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

    @Override
    public void handleEventFromOperator(int subtask, int attempt, OperatorEvent event) {
        LOG.warn("{}: unexpected event {}", name, event);
    }

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

    /** Grants asks in arrival order while they fit, else sets the wake-up. */
    private void pump() {
        while (!queue.isEmpty()) {
            Waiting head = queue.peekFirst();
            if (limitsTokens && !estimator.calibrated() && ledger.inFlight() > 0) {
                return; // one request at a time until a reported count scales the estimates
            }
            long id = nextGrant;
            long tokens = estimator.estimate(head.tokens);
            if (!ledger.tryGrant(id, tokens, nanoClock.getAsLong())) {
                scheduleWakeUp(ledger.earliestFit(tokens, nanoClock.getAsLong()));
                return;
            }
            nextGrant++;
            queue.pollFirst();
            waiting.remove(head.key);
            owners.put(id, new Grant(head.key.owner(), head.tokens));
            if (head.answer == null || !head.answer.complete(new PermitEvents.Granted(id))) {
                grantedUnseen.put(head.key, id); // between two polls: the next one gets it
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
        queue.removeIf(w -> gone.test(w.key.owner()));
        waiting.keySet().removeIf(k -> gone.test(k.owner()));
        grantedUnseen.keySet().removeIf(k -> gone.test(k.owner()));
        long now = nanoClock.getAsLong();
        for (Iterator<Map.Entry<Long, Grant>> it = owners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Grant> e = it.next();
            if (gone.test(e.getValue().owner())) {
                ledger.finish(e.getKey(), -1, now);
                it.remove();
            }
        }
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
