package io.pgstream.jobs.cli;

import io.pgstream.connector.format.ChangeEventJson;
import io.pgstream.connector.source.reader.StreamPathWarmUp;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link StreamPathWarmUp} for {@code tail}, on a thread of its own while the mini-cluster
 * starts, through the same JSON formatting and {@link PrintWriter#println} that print a change,
 * into a writer that discards everything. Without it the first second of changes waits behind the
 * JIT (bench/README.md, "Where tail --print-at-once's p99 comes from").
 */
final class StreamPathWarmUpThread {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPathWarmUpThread.class);

    /** Enough one-change transactions for the hot methods to reach the optimising compiler. */
    static final int TRANSACTIONS = 20_000;

    /** Never more than this of start-up, however slow the machine. */
    static final Duration BUDGET = Duration.ofMillis(1500);

    private StreamPathWarmUpThread() {}

    static Thread start() {
        Thread t = new Thread(StreamPathWarmUpThread::run, "pgstream-tail-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    private static void run() {
        long started = System.nanoTime();
        try (PrintWriter discard = new PrintWriter(Writer.nullWriter())) {
            long changes =
                    StreamPathWarmUp.run(
                            TRANSACTIONS,
                            BUDGET,
                            e -> {
                                discard.println(ChangeEventJson.toJson(e));
                                discard.flush();
                            });
            LOG.info(
                    "Warmed up the change path with {} synthetic changes in {} ms",
                    changes,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (Exception | LinkageError e) {
            // Only speed is at stake; the real changes take the same path regardless.
            LOG.warn("Warm-up of the change path failed: {}", e.toString());
        }
    }
}
