package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Backoff with jitter, at least what Retry-After asks, and never more than its cap. */
class RetryBackoffTest {

    private final RetryBackoff backoff =
            new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60));

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RetryBackoff.parseRetryAfter(Optional.of("7"), now))
                .contains(Duration.ofSeconds(7));
        assertThat(RetryBackoff.parseRetryAfter(Optional.of("Thu, 01 Jan 2026 00:00:30 GMT"), now))
                .contains(Duration.ofSeconds(30));
        assertThat(RetryBackoff.parseRetryAfter(Optional.of("soon"), now)).isEmpty();
    }

    @Test
    void waitsWithinTheBackoffAndAtLeastWhatRetryAfterAsks() {
        for (int retry = 0; retry < 10; retry++) {
            assertThat(backoff.delay(retry, Optional.empty()))
                    .isLessThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(backoff.delay(retry, Optional.of(Duration.ofSeconds(5))))
                    .isEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRetryAfterBeyondTheCapIsCutToTheCap() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Optional<Duration> aDay = RetryBackoff.parseRetryAfter(Optional.of("86400"), now);
        Optional<Duration> nextYear =
                RetryBackoff.parseRetryAfter(Optional.of("Fri, 01 Jan 2027 00:00:00 GMT"), now);

        for (int retry = 0; retry < 10; retry++) {
            assertThat(backoff.delay(retry, aDay)).isEqualTo(Duration.ofSeconds(60));
            assertThat(backoff.delay(retry, nextYear)).isEqualTo(Duration.ofSeconds(60));
        }
    }
}
