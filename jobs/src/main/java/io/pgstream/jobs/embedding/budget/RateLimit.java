package io.pgstream.jobs.embedding.budget;

import java.io.Serializable;
import java.time.Duration;

/**
 * The provider's budget for one job: at most {@code requests} requests and {@code tokens} tokens
 * per {@code window}, over all parallel subtasks together; 0 leaves that dimension unlimited. The
 * job file only speaks per minute ({@link #perMinute}); a shorter window exists so tests can make a
 * limit bind within seconds.
 */
public record RateLimit(int requests, long tokens, Duration window) implements Serializable {

    /** No limit: requests go out without asking for a permit. */
    public static final RateLimit NONE = new RateLimit(0, 0, Duration.ofMinutes(1));

    public RateLimit {
        if (requests < 0) {
            throw new IllegalArgumentException(
                    "embedding.rate-limit.requests-per-minute must not be negative, got "
                            + requests);
        }
        if (tokens < 0) {
            throw new IllegalArgumentException(
                    "embedding.rate-limit.tokens-per-minute must not be negative, got " + tokens);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate-limit window must be positive");
        }
    }

    /** {@code requests-per-minute} and {@code tokens-per-minute}; 0: that one is unlimited. */
    public static RateLimit perMinute(int requestsPerMinute, long tokensPerMinute) {
        return new RateLimit(requestsPerMinute, tokensPerMinute, Duration.ofMinutes(1));
    }

    /** Whether any dimension is limited (else no permits are asked for). */
    public boolean limits() {
        return requests > 0 || tokens > 0;
    }
}
