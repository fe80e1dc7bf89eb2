package io.pgstream.jobs.sink;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Retries a sink flush in place when the store failed transiently, with bounded exponential
 * backoff, before the failure reaches Flink (which would restart the job and replay from the last
 * checkpoint). Transient: SQLState class 08 (connection; the writer reconnects first), 40001
 * (serialization failure), 40P01 (deadlock), 57P01 (admin shutdown), 55P03 (lock not available);
 * gRPC UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED. Anything else (wrong vector size,
 * permission denied, missing table) fails at once.
 *
 * <p>The wait blocks the task thread on purpose: a flush must finish before the checkpoint that
 * called it can complete, so there is nothing else the task may do meanwhile. A retried flush
 * re-applies the whole batch; the version guard makes that harmless.
 */
public final class SinkRetry {

    /** One attempt at the flush. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    private final String store;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private volatile long retries;

    /**
     * @param store names the table or collection in messages ("pgvector table public.v")
     */
    public SinkRetry(String store, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be positive");
        }
        this.store = store;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** Eight attempts, 50 ms doubling to 5 s: about 11 s of waiting before the task fails. */
    public static SinkRetry defaults(String store) {
        return new SinkRetry(store, 8, Duration.ofMillis(50), Duration.ofSeconds(5));
    }

    /**
     * Runs {@code attempt}; on a transient failure waits, reconnects if needed, and tries again.
     */
    public void run(Attempt attempt, Attempt reconnect, int writes) throws IOException {
        long backoff = initialBackoff.toMillis();
        for (int n = 1; ; n++) {
            Exception failure;
            try {
                attempt.run();
                return;
            } catch (Exception e) {
                failure = e;
            }
            Kind kind = classify(failure);
            if (kind == Kind.PERMANENT || n >= maxAttempts) {
                throw new IOException(
                        "Writing "
                                + writes
                                + " vector writes to "
                                + store
                                + " failed"
                                + (kind == Kind.PERMANENT ? "" : " after " + n + " attempts")
                                + ": "
                                + hint(failure),
                        failure);
            }
            retries++;
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while retrying a write to " + store, failure);
            }
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
            if (kind == Kind.CONNECTION) {
                try {
                    reconnect.run();
                } catch (Exception e) {
                    // The next attempt fails the same way and is counted.
                }
            }
        }
    }

    /** Transient failures retried so far (all flushes). */
    public long retries() {
        return retries;
    }

    /** What a failure means for a retry. */
    public enum Kind {
        PERMANENT,
        TRANSIENT,
        CONNECTION
    }

    /** Classifies by the first SQLException or gRPC status in the cause chain. */
    public static Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08")) {
                    return Kind.CONNECTION;
                }
                return switch (state) {
                    case "40001", "40P01", "57P01", "55P03" -> Kind.TRANSIENT;
                    default -> Kind.PERMANENT;
                };
            }
            if (t instanceof StatusRuntimeException grpc) {
                Status.Code code = grpc.getStatus().getCode();
                return code == Status.Code.UNAVAILABLE
                                || code == Status.Code.RESOURCE_EXHAUSTED
                                || code == Status.Code.DEADLINE_EXCEEDED
                        ? Kind.TRANSIENT
                        : Kind.PERMANENT;
            }
        }
        return Kind.PERMANENT;
    }

    private String hint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
                return sql.getMessage()
                        + ". Grant the sink's user SELECT, INSERT, UPDATE, DELETE on "
                        + store;
            }
            if (t instanceof SQLException sql && "42P01".equals(sql.getSQLState())) {
                return sql.getMessage() + ". Was " + store + " dropped while the job ran?";
            }
        }
        return failure.getMessage();
    }
}
