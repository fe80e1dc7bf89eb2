package io.pgstream.jobs.embedding.budget;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The arithmetic of the budget, without threads or clocks: which requests may start now. A granted
 * request counts against the window while it is in flight and for one window after it finished,
 * with the tokens the provider reported (or its estimate when it reported none).
 *
 * <p>Counting from the finish, not the start, is what makes the limit hold at the provider: the
 * provider saw the request somewhere between grant and finish, and the next request it is allowed
 * to replace starts no earlier than one window after the finish, so no window the provider looks at
 * holds more than the limit, whatever the network delays. The price is a window's worth of one
 * request's latency per window of throughput.
 *
 * <p>A request estimated above the whole token limit is granted when nothing else is in the window,
 * so it does not wait forever. Times are nanoseconds from any fixed origin. Not thread-safe: the
 * coordinator calls it from its one thread.
 */
public final class PermitLedger {

    private record Finished(long expiresAtNanos, long tokens) {}

    private final RateLimit limit;
    private final long windowNanos;
    private final Map<Long, Long> inFlight = new HashMap<>();
    private final ArrayDeque<Finished> recent = new ArrayDeque<>();
    private long inFlightTokens;
    private long recentTokens;

    public PermitLedger(RateLimit limit) {
        this.limit = limit;
        this.windowNanos = limit.window().toNanos();
    }

    /** Grants request {@code id} estimated at {@code tokens} if it fits now; true if granted. */
    public boolean tryGrant(long id, long tokens, long nowNanos) {
        expire(nowNanos);
        if (!fits(inFlight.size() + recent.size(), inFlightTokens + recentTokens, tokens)) {
            return false;
        }
        inFlight.put(id, tokens);
        inFlightTokens += tokens;
        return true;
    }

    /**
     * Request {@code id} finished: it counts {@code actualTokens} (negative: keep the estimate) for
     * one window from now. Unknown ids are ignored (returned twice, or after a reset).
     */
    public void finish(long id, long actualTokens, long nowNanos) {
        Long estimated = inFlight.remove(id);
        if (estimated == null) {
            return;
        }
        inFlightTokens -= estimated;
        long tokens = actualTokens < 0 ? estimated : actualTokens;
        recent.addLast(new Finished(nowNanos + windowNanos, tokens));
        recentTokens += tokens;
    }

    /**
     * When a request of {@code tokens} would fit if nothing else happened: {@code nowNanos} if it
     * fits now, the moment enough finished requests leave the window, or {@link Long#MAX_VALUE}
     * when only a request in flight finishing can make room.
     */
    public long earliestFit(long tokens, long nowNanos) {
        expire(nowNanos);
        int count = inFlight.size() + recent.size();
        long used = inFlightTokens + recentTokens;
        if (fits(count, used, tokens)) {
            return nowNanos;
        }
        for (Finished f : recent) {
            count--;
            used -= f.tokens();
            if (fits(count, used, tokens)) {
                return f.expiresAtNanos();
            }
        }
        return Long.MAX_VALUE;
    }

    /** Requests granted and not finished. */
    public int inFlight() {
        return inFlight.size();
    }

    private boolean fits(int count, long used, long tokens) {
        boolean requestsFit = limit.requests() == 0 || count < limit.requests();
        boolean tokensFit = limit.tokens() == 0 || used + tokens <= limit.tokens() || count == 0;
        return requestsFit && tokensFit;
    }

    private void expire(long nowNanos) {
        while (!recent.isEmpty() && recent.peekFirst().expiresAtNanos() <= nowNanos) {
            recentTokens -= recent.pollFirst().tokens();
        }
    }
}
