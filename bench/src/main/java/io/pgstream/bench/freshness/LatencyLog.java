package io.pgstream.bench.freshness;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What one reader saw: every change counts as seen (so a probe tells that the reader streams), and
 * the measured ones (rows whose text starts with {@code row }) add their commit → seen latency.
 */
public final class LatencyLog {

    /** The text prefix of measured rows; probes use another. */
    public static final String MEASURED = "row ";

    private final ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
    private final AtomicInteger seen = new AtomicInteger();

    public LatencyLog() {}

    /** Records one change committed at {@code commit}, seen now. */
    public void seen(Instant commit, boolean measured) {
        Instant now = Instant.now();
        seen.incrementAndGet();
        if (measured) {
            micros.add(Duration.between(commit, now).toNanos() / 1000);
        }
    }

    public int seen() {
        return seen.get();
    }

    public Latencies await(String run, int expected, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (micros.size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        run + " saw " + micros.size() + " of " + expected + " changes");
            }
            LockSupport.parkNanos(5_000_000);
        }
        return new Latencies(run, micros.stream().mapToLong(Long::longValue).toArray());
    }

    /** True once a change beyond {@code before} was seen within {@code timeout}. */
    public boolean awaitBeyond(int before, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.get() <= before) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }
}
