package io.pgstream.jobs.embedding.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The budget's arithmetic on a hand-driven clock (nanoseconds; the window is 1,000). */
class PermitLedgerTest {

    private static final long W = 1_000;

    private static PermitLedger ledger(int requests, long tokens) {
        return new PermitLedger(new RateLimit(requests, tokens, Duration.ofNanos(W)));
    }

    @Test
    void requestsInFlightCountUntilTheyFinishAndThenForOneWindow() {
        PermitLedger l = ledger(2, 0);
        assertThat(l.tryGrant(1, 10, 0)).isTrue();
        assertThat(l.tryGrant(2, 10, 0)).isTrue();
        assertThat(l.tryGrant(3, 10, 5_000)).as("both still in flight").isFalse();
        assertThat(l.earliestFit(10, 5_000)).isEqualTo(Long.MAX_VALUE);

        l.finish(1, -1, 6_000);
        assertThat(l.earliestFit(10, 6_000)).isEqualTo(6_000 + W);
        assertThat(l.tryGrant(3, 10, 6_000 + W - 1)).isFalse();
        assertThat(l.tryGrant(3, 10, 6_000 + W)).isTrue();
    }

    @Test
    void tokensAreCorrectedToWhatTheProviderReported() {
        PermitLedger l = ledger(0, 100);
        assertThat(l.tryGrant(1, 60, 0)).isTrue();
        assertThat(l.tryGrant(2, 60, 0)).as("60 + 60 > 100").isFalse();
        l.finish(1, 30, 10);
        assertThat(l.tryGrant(2, 60, 10)).as("30 reported + 60 fits").isTrue();
        assertThat(l.tryGrant(3, 20, 10)).as("30 + 60 + 20 > 100").isFalse();
        assertThat(l.earliestFit(20, 10)).isEqualTo(10 + W);
        assertThat(l.tryGrant(3, 20, 10 + W)).isTrue();
    }

    @Test
    void anUnknownCountKeepsTheEstimate() {
        PermitLedger l = ledger(0, 100);
        l.tryGrant(1, 70, 0);
        l.finish(1, -1, 0);
        assertThat(l.tryGrant(2, 40, 1)).isFalse();
        assertThat(l.tryGrant(2, 30, 1)).isTrue();
    }

    @Test
    void aRequestOverTheWholeTokenLimitGoesAloneInAnEmptyWindow() {
        PermitLedger l = ledger(0, 100);
        l.tryGrant(1, 10, 0);
        assertThat(l.tryGrant(2, 500, 0)).isFalse();
        l.finish(1, 10, 0);
        assertThat(l.earliestFit(500, 0)).isEqualTo(W);
        assertThat(l.tryGrant(2, 500, W)).isTrue();
        assertThat(l.tryGrant(3, 1, W)).isFalse();
    }

    @Test
    void earliestFitWaitsForEnoughFinishedRequestsToLeave() {
        PermitLedger l = ledger(0, 100);
        for (long id = 0; id < 4; id++) {
            l.tryGrant(id, 25, id * 100);
            l.finish(id, 25, id * 100);
        }
        // 100 used: a 50-token request needs the first two (finished at 0 and 100) to leave
        assertThat(l.earliestFit(50, 300)).isEqualTo(100 + W);
        assertThat(l.tryGrant(9, 50, 100 + W)).isTrue();
    }

    @Test
    void finishingTwiceOrUnknownIsIgnored() {
        PermitLedger l = ledger(1, 0);
        l.tryGrant(1, 1, 0);
        l.finish(1, 1, 0);
        l.finish(1, 1, 500);
        l.finish(42, 1, 500);
        assertThat(l.inFlight()).isZero();
        assertThat(l.tryGrant(2, 1, W)).isTrue();
    }

    @Test
    void withoutLimitsEverythingFits() {
        PermitLedger l = new PermitLedger(RateLimit.NONE);
        for (long id = 0; id < 1000; id++) {
            assertThat(l.tryGrant(id, 1_000_000, 0)).isTrue();
        }
    }

    @Test
    void theEstimatorLearnsTheProvidersTokensPerCharacter() {
        TokenEstimator e = new TokenEstimator();
        assertThat(TokenEstimator.raw(java.util.List.of("12345678", "x"))).isEqualTo(3);
        assertThat(e.estimate(10)).isEqualTo(10);
        e.observe(10, 15);
        e.observe(10, 15);
        assertThat(e.estimate(10)).isEqualTo(15);
        e.observe(10, -1); // no count reported: nothing learned
        assertThat(e.estimate(4)).isEqualTo(6);
    }
}
