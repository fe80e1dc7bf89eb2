package io.pgstream.jobs.embedding.budget;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

/**
 * One embedding subtask's side of the shared budget: asks the {@link BudgetCoordinator} for a
 * permit before each request, returns it with the provider's token count, and keeps the operator's
 * {@code requests}, {@code tokensUsed}, {@code rateLimited429} and {@code estimatedCost} metrics
 * (also without a limit).
 *
 * <p>Threads: {@link #acquire} runs on a model-call thread and blocks only that thread; it talks to
 * the coordinator through coordination requests, whose answers are futures completed by RPC, not
 * through the task's mailbox. The task thread never waits for a permit, so a checkpoint never does
 * either, and a task thread waiting for a batch slot does not hold up the permit that frees it.
 */
public final class BudgetClient implements RequestBudget {

    static final String REQUESTS = "requests";
    static final String TOKENS_USED = "tokensUsed";
    static final String RATE_LIMITED = "rateLimited429";
    static final String ESTIMATED_COST = "estimatedCost";

    /** Sends a request to this operator's coordinator; thread-safe. */
    @FunctionalInterface
    public interface Channel {
        CompletableFuture<CoordinationResponse> send(CoordinationRequest request);
    }

    private final boolean limited;
    private final Channel channel;
    private final int subtask;
    private final int attempt;
    private final AtomicLong nextRequest = new AtomicLong();
    private final Counter requests;
    private final Counter tokensUsed;
    private final Counter rateLimited;

    /**
     * @param channel to the coordinator; null: count only, never wait (no coordinator)
     * @param pricePerMillionTokens registers {@code estimatedCost} when not null
     */
    public BudgetClient(
            RateLimit limit,
            Channel channel,
            int subtask,
            int attempt,
            MetricGroup metrics,
            Double pricePerMillionTokens) {
        this.limited = limit.limits() && channel != null;
        this.channel = channel;
        this.subtask = subtask;
        this.attempt = attempt;
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
        long estimate = TokenEstimator.raw(texts); // the coordinator scales it
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

    /** Asks until granted, one poll at a time (the coordinator answers each within seconds). */
    private long waitForGrant(long estimate) throws InterruptedException {
        PermitEvents.Ask ask =
                new PermitEvents.Ask(subtask, attempt, nextRequest.getAndIncrement(), estimate);
        while (true) {
            CoordinationResponse answer;
            try {
                answer = channel.send(ask).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "the embedding rate-limit coordinator did not answer: "
                                + e.getCause().getMessage(),
                        e.getCause());
            }
            if (answer instanceof PermitEvents.Granted granted) {
                return granted.grantId();
            }
        }
    }

    private void giveBack(long grant, long tokens) {
        if (grant >= 0) {
            channel.send(new PermitEvents.Returned(grant, tokens)); // no need to wait for it
        }
    }
}
