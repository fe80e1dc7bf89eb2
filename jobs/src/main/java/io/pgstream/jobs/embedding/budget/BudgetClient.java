package io.pgstream.jobs.embedding.budget;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;
import org.apache.flink.runtime.operators.coordination.OperatorEventGateway;

/**
 * One embedding subtask's side of the shared budget: asks the {@link BudgetCoordinator} for a
 * permit before each request, returns it with the provider's token count, and keeps the operator's
 * {@code requests}, {@code tokensUsed}, {@code rateLimited429} and {@code estimatedCost} metrics
 * (also without a limit).
 *
 * <p>Threads: {@link #acquire} runs on a model-call thread and blocks only that thread; events go
 * to the coordinator through the task's mailbox, and {@link #handle} runs on the task thread. The
 * task thread never waits for a permit, so a checkpoint never does either.
 */
public final class BudgetClient implements RequestBudget {

    static final String REQUESTS = "requests";
    static final String TOKENS_USED = "tokensUsed";
    static final String RATE_LIMITED = "rateLimited429";
    static final String ESTIMATED_COST = "estimatedCost";

    private final boolean limited;
    private final OperatorEventGateway gateway;
    private final MailboxExecutor mailbox;
    private final TokenEstimator estimator = new TokenEstimator();
    private final Map<Long, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong nextRequest = new AtomicLong();
    private final Counter requests;
    private final Counter tokensUsed;
    private final Counter rateLimited;

    /**
     * @param gateway to the coordinator; null: count only, never wait (no coordinator)
     * @param pricePerMillionTokens registers {@code estimatedCost} when not null
     */
    public BudgetClient(
            RateLimit limit,
            OperatorEventGateway gateway,
            MailboxExecutor mailbox,
            MetricGroup metrics,
            Double pricePerMillionTokens) {
        this.limited = limit.limits() && gateway != null;
        this.gateway = gateway;
        this.mailbox = mailbox;
        this.requests = metrics.counter(REQUESTS, new ThreadSafeSimpleCounter());
        this.tokensUsed = metrics.counter(TOKENS_USED, new ThreadSafeSimpleCounter());
        this.rateLimited = metrics.counter(RATE_LIMITED, new ThreadSafeSimpleCounter());
        if (pricePerMillionTokens != null) {
            double price = pricePerMillionTokens;
            metrics.gauge(ESTIMATED_COST, () -> tokensUsed.getCount() * price / 1_000_000.0);
        }
    }

    @Override
    public Permit acquire(List<String> texts) throws InterruptedException {
        long raw = TokenEstimator.raw(texts);
        long estimate = estimator.estimate(raw);
        long grant = limited ? waitForGrant(estimate) : -1;
        requests.inc();
        return new Permit() {
            @Override
            public void answered(int status, long totalTokens) {
                boolean ok = status / 100 == 2;
                if (status == 429) {
                    rateLimited.inc();
                }
                if (ok) {
                    estimator.observe(raw, totalTokens);
                    tokensUsed.inc(totalTokens > 0 ? totalTokens : estimate);
                }
                // a 429 spent no tokens; another error may have: keep the estimate then
                long spent =
                        ok ? (totalTokens > 0 ? totalTokens : estimate) : status == 429 ? 0 : -1;
                giveBack(grant, spent);
            }

            @Override
            public void unanswered() {
                giveBack(grant, -1);
            }
        };
    }

    /** Called on the task thread with the coordinator's events. */
    public void handle(OperatorEvent event) {
        if (event instanceof PermitEvents.Granted granted) {
            CompletableFuture<Long> asked = waiting.remove(granted.requestId());
            if (asked == null || !asked.complete(granted.grantId())) {
                // its asker stopped waiting: nothing was sent
                gateway.sendEventToCoordinator(new PermitEvents.Returned(granted.grantId(), 0));
            }
        }
    }

    private long waitForGrant(long estimate) throws InterruptedException {
        long id = nextRequest.getAndIncrement();
        CompletableFuture<Long> granted = new CompletableFuture<>();
        waiting.put(id, granted);
        send(new PermitEvents.Ask(id, estimate));
        try {
            return granted.get();
        } catch (InterruptedException e) {
            waiting.remove(id); // a later grant finds no asker and goes back
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a permit future failed", e.getCause());
        }
    }

    private void giveBack(long grant, long tokens) {
        if (grant >= 0) {
            send(new PermitEvents.Returned(grant, tokens));
        }
    }

    private void send(OperatorEvent event) {
        try {
            mailbox.execute(() -> gateway.sendEventToCoordinator(event), "embedding budget");
        } catch (RejectedExecutionException e) {
            // the task is closing; the coordinator forgets its permits when the attempt ends
        }
    }
}
