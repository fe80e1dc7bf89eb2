package io.pgstream.jobs.testutils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;

/**
 * A processing-time service with a manual clock for writer tests: timers fire, on the calling
 * thread (as Flink's mailbox runs them on the task thread), when {@link #advanceTo} passes them.
 */
public final class TestingProcessingTimeService implements ProcessingTimeService {

    private record Timer(long at, ProcessingTimeCallback callback) {}

    private final List<Timer> timers = new ArrayList<>();
    private long now;

    @Override
    public long getCurrentProcessingTime() {
        return now;
    }

    @Override
    public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
        timers.add(new Timer(timestamp, callback));
        return new Pending();
    }

    /** Moves the clock to {@code time} and runs the timers due by then, in time order. */
    public void advanceTo(long time) throws Exception {
        now = time;
        while (true) {
            Timer due = null;
            for (Timer t : timers) {
                if (t.at() <= now && (due == null || t.at() < due.at())) {
                    due = t;
                }
            }
            if (due == null) {
                return;
            }
            timers.remove(due);
            due.callback().onProcessingTime(now);
        }
    }

    /** Timers not yet fired. */
    public int pending() {
        return timers.size();
    }

    private static final class Pending extends CompletableFuture<Object>
            implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed o) {
            return 0;
        }
    }
}
