package io.pgstream.connector.source.reader;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Paces the split reader's polling of quiet streams. pgjdbc's {@code readPending()} waits at most a
 * millisecond on the socket, so polling it back to back makes a thousand timed reads a second on an
 * idle slot. While messages keep coming (and for {@link #QUIET} after the last one) the reader
 * polls without pause, so a busy stream gains no latency; once the stream has been quiet that long,
 * every empty poll is followed by a park of {@link #PARK}, which bounds what the first change after
 * a quiet spell waits extra. {@link #wakeUp} ends a park at once, so fetcher tasks
 * (acknowledgements, new splits, shutdown) are not held up.
 *
 * <p>{@link #startFetch} and {@link #pause} are called from the fetcher thread only.
 */
final class IdleWait {

    /** How long one fetch keeps polling an idle stream before returning to the fetcher loop. */
    static final Duration FETCH = Duration.ofMillis(100);

    /** How long a stream must be quiet before empty polls are followed by a park. */
    static final Duration QUIET = Duration.ofMillis(20);

    /** One park after an empty poll of a quiet stream. */
    static final Duration PARK = Duration.ofMillis(10);

    private final LongSupplier nanoClock;
    private final LongConsumer park;
    private volatile Thread fetcher;
    private long lastActivity;
    private long fetchUntil;

    /** Real time, parking the calling thread. */
    IdleWait() {
        this(System::nanoTime, nanos -> LockSupport.parkNanos(IdleWait.class, nanos));
    }

    /**
     * @param nanoClock {@link System#nanoTime()} in production
     * @param park parks the calling thread for up to the given nanoseconds, returning early on
     *     {@link LockSupport#unpark}
     */
    IdleWait(LongSupplier nanoClock, LongConsumer park) {
        this.nanoClock = nanoClock;
        this.park = park;
        this.lastActivity = nanoClock.getAsLong();
    }

    /** A fetch begins on the calling thread; it may poll quiet streams for {@link #FETCH}. */
    void startFetch() {
        fetcher = Thread.currentThread();
        fetchUntil = nanoClock.getAsLong() + FETCH.toNanos();
    }

    /** Whether the current fetch has polled quiet streams for its whole {@link #FETCH}. */
    boolean fetchTimeUp() {
        return nanoClock.getAsLong() - fetchUntil > 0;
    }

    /** Messages arrived: the stream is busy, poll again without pause. */
    void activity() {
        lastActivity = nanoClock.getAsLong();
    }

    /** A poll of every stream found nothing: parks for {@link #PARK} if they have been quiet. */
    void pause() {
        if (nanoClock.getAsLong() - lastActivity >= QUIET.toNanos()) {
            park.accept(PARK.toNanos());
        }
    }

    /** Ends a park in progress (or the next one) at once; any thread. */
    void wakeUp() {
        Thread t = fetcher;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
