package io.pgstream.jobs.embedding;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retrying a model request: exponential backoff with full jitter (a uniform
 * random delay between zero and {@code min(max, initial * 2^retry)}, so that many clients throttled
 * together do not come back together), never shorter than what the server asked for in {@code
 * Retry-After}, up to {@code retryAfterMax}.
 *
 * <p>The cap is there because the wait parks a worker thread with its batch: a proxy that answers
 * {@code Retry-After: 86400} (or an HTTP date far ahead) would otherwise stall the job silently for
 * a day instead of using up the retry budget and failing with a message.
 */
final class RetryBackoff {

    private final Duration initial;
    private final Duration max;
    private final Duration retryAfterMax;

    RetryBackoff(Duration initial, Duration max, Duration retryAfterMax) {
        this.initial = initial;
        this.max = max;
        this.retryAfterMax = retryAfterMax;
    }

    /**
     * Delay before retry number {@code retry} (0 for the first retry), at least {@code retryAfter}
     * (capped at {@code retryAfterMax}) when the server sent one.
     */
    Duration delay(int retry, Optional<Duration> retryAfter) {
        long ceiling = initial.toMillis() << Math.min(retry, 30);
        if (ceiling <= 0 || ceiling > max.toMillis()) {
            ceiling = max.toMillis();
        }
        Duration jittered = Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
        return retryAfter
                .map(r -> r.compareTo(retryAfterMax) > 0 ? retryAfterMax : r)
                .filter(r -> r.compareTo(jittered) > 0)
                .orElse(jittered);
    }

    /**
     * Parses a {@code Retry-After} header: delta seconds ({@code 120}) or an HTTP date ({@code Wed,
     * 21 Oct 2015 07:28:00 GMT}); empty when absent or unreadable (the backoff alone then applies).
     */
    static Optional<Duration> parseRetryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at =
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
