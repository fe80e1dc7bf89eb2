package io.pgstream.jobs.status;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints a {@link StatusLine} on stderr every interval for the whole life of a sync run, backfill
 * and streaming alike, each on its own line (so a log keeps them). Reads the run's {@link
 * RunMetrics} and the slot's lag on its own daemon thread; it never touches the job, and a figure
 * it cannot read shows as missing instead of disturbing the run.
 */
public final class StatusPrinter implements AutoCloseable {

    private final ScheduledExecutorService timer;

    private StatusPrinter(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts printing; the first line comes after one interval. */
    public static StatusPrinter start(
            RunMetrics metrics, Supplier<Long> slotLag, Duration interval, PrintWriter err) {
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "pgstream-status");
                            t.setDaemon(true);
                            return t;
                        });
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        String line = StatusLine.format(metrics.figures(slotLag.get()));
                        err.println(line);
                        err.flush();
                    } catch (RuntimeException e) {
                        // The status line is a convenience: never let it end the schedule.
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
        return new StatusPrinter(timer);
    }

    /** Stops printing; a line being printed is finished first. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
