package io.pgstream.connector.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Idle pacing on a fake clock: no pause while the stream is busy, a park after each empty poll once
 * it has been quiet, and a wake-up that ends a park at once.
 */
class IdleWaitTest {

    private long now = 1_000_000_000L;
    private final List<Long> parks = new ArrayList<>();
    private final IdleWait wait = new IdleWait(() -> now, parks::add);

    @Test
    void aBusyStreamIsPolledWithoutPause() {
        wait.activity();
        now += IdleWait.QUIET.toNanos() - 1;
        wait.pause();

        assertThat(parks).isEmpty();
    }

    @Test
    void aQuietStreamParksAfterEachEmptyPollUntilAMessageArrives() {
        wait.activity();
        now += IdleWait.QUIET.toNanos();
        wait.pause();
        wait.pause();
        wait.activity();
        wait.pause();

        assertThat(parks).containsExactly(IdleWait.PARK.toNanos(), IdleWait.PARK.toNanos());
    }

    @Test
    void aFetchEndsAfterItsIdleTime() {
        wait.startFetch();
        now += IdleWait.FETCH.toNanos();
        assertThat(wait.fetchTimeUp()).isFalse();
        now += 1;
        assertThat(wait.fetchTimeUp()).isTrue();
    }

    @Test
    void wakeUpEndsAParkAtOnce() throws Exception {
        // Parks far longer than the test may take: only the wake-up can end it.
        IdleWait real =
                new IdleWait(() -> now, nanos -> LockSupport.parkNanos(TimeUnit.HOURS.toNanos(1)));
        CountDownLatch fetching = new CountDownLatch(1);
        Thread fetcher =
                new Thread(
                        () -> {
                            real.startFetch();
                            fetching.countDown();
                            now += IdleWait.QUIET.toNanos();
                            real.pause();
                        });
        fetcher.start();
        fetching.await();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fetcher.getState() == Thread.State.TIMED_WAITING);

        real.wakeUp();

        fetcher.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(fetcher.isAlive()).isFalse();
    }
}
